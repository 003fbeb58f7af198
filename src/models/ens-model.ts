/**
 * The entry-summary model file and its scorer. The file is one JSON document: the feature list, the
 * learned encoding (ens-features.ts), the trees, each tree node's expected output (for explanations)
 * and the risk area most of its training findings were in. Loading checks format and version and
 * compiles trees and encoding once; scoring a consignment then costs its features and one walk per
 * tree, and explaining it (Saabas path contributions, src/learning/contributions.ts) about as much.
 */
import { VigilError } from '../errors/index.ts';
import {
  compileForest,
  contributionBias,
  pathContributions,
  predictRaw,
  sigmoid,
} from '../learning/index.ts';
import type { CompiledForest, GbdtConfig, GbdtModel, GbdtTree, NodeExpectations } from '../learning/index.ts';
import { ENS_FEATURES, compileEnsEncoding, ensFeatureLabel, writeEnsRow } from './ens-features.ts';
import type { CompiledEnsEncoding, EnsEncoding, EnsFacts, HistoryOf } from './ens-features.ts';

export const ENS_MODEL_FORMAT = 'vigil-ens-gbdt';
export const ENS_MODEL_VERSION = 1;

export interface EnsModelFile {
  readonly format: typeof ENS_MODEL_FORMAT;
  readonly version: typeof ENS_MODEL_VERSION;
  readonly createdAt: string;
  readonly features: readonly string[];
  readonly encoding: EnsEncoding;
  readonly gbdt: GbdtConfig;
  readonly baseScore: number;
  readonly trees: readonly GbdtTree[];
  readonly expectations: NodeExpectations;
  /** The risk area most training findings were in: the area of the model's hit. */
  readonly riskArea: string;
}

/** A feature that pushed a score up, for the explanation. */
export interface EnsContribution {
  readonly feature: string;
  /** In words: "findings on this consignor × goods heading × route". */
  readonly label: string;
  /** The feature's value for this consignment (a hit rate, a count, a log value …); null when missing. */
  readonly value: number | null;
  /** Log-odds it adds to the score. */
  readonly logOdds: number;
}

export interface EnsJudgement {
  readonly probability: number;
  readonly top: readonly EnsContribution[];
}

/** A loaded model, ready to score consignments. */
export class EnsModel {
  readonly file: EnsModelFile;
  readonly forest: CompiledForest;
  readonly #gbdt: GbdtModel;
  readonly #encoding: CompiledEnsEncoding;
  readonly #bias: number;
  readonly #row: Float64Array;

  constructor(file: EnsModelFile) {
    this.file = file;
    this.#gbdt = { numFeatures: file.features.length, baseScore: file.baseScore, trees: [...file.trees] };
    this.forest = compileForest(this.#gbdt);
    this.#encoding = compileEnsEncoding(file.encoding);
    this.#bias = contributionBias(this.#gbdt, file.expectations);
    this.#row = new Float64Array(file.features.length);
  }

  /** The feature rows of consignments, as scoring computes them. */
  features(facts: readonly EnsFacts[], history?: (i: number) => HistoryOf): Float64Array {
    const nf = this.file.features.length;
    const data = new Float64Array(facts.length * nf);
    for (let i = 0; i < facts.length; i++) {
      writeEnsRow(data, i * nf, facts[i]!, this.#encoding, history?.(i));
    }
    return data;
  }

  /** Probabilities of a control finding something, in order. */
  scoreMany(facts: readonly EnsFacts[], history?: (i: number) => HistoryOf): Float64Array {
    const nf = this.file.features.length;
    const raw = predictRaw(this.forest, {
      data: this.features(facts, history),
      rows: facts.length,
      cols: nf,
    });
    for (let i = 0; i < raw.length; i++) {
      raw[i] = sigmoid(raw[i]!);
    }
    return raw;
  }

  /** One consignment's probability and the features that pushed it up most, largest first. */
  judge(facts: EnsFacts, history?: HistoryOf, top = 3): EnsJudgement {
    const row = this.#row;
    writeEnsRow(row, 0, facts, this.#encoding, history);
    const contributions = pathContributions(this.#gbdt, this.file.expectations, row);
    let raw = this.#bias;
    for (let j = 0; j < contributions.length; j++) {
      raw += contributions[j]!;
    }
    const out: EnsContribution[] = [];
    for (let j = 0; j < contributions.length; j++) {
      const c = contributions[j]!;
      if (c > 1e-6) {
        const feature = this.file.features[j]!;
        const v = row[j]!;
        out.push({
          feature,
          label: ensFeatureLabel(feature),
          value: Number.isNaN(v) ? null : Math.round(v * 1000) / 1000,
          logOdds: Math.round(c * 1000) / 1000,
        });
      }
    }
    out.sort((a, b) => b.logOdds - a.logOdds);
    return { probability: sigmoid(raw), top: out.slice(0, top) };
  }
}

/** Checks parsed JSON enough to fail with a clear message rather than deep inside scoring. */
export function parseEnsModelFile(json: unknown): EnsModel {
  const f = (typeof json === 'string' ? JSON.parse(json) : json) as Partial<EnsModelFile> | null;
  if (typeof f !== 'object' || f === null || f.format !== ENS_MODEL_FORMAT) {
    throw new VigilError('VIGIL_MODEL_INVALID', `not an entry-summary model (format ${String(f?.format)})`);
  }
  if (f.version !== ENS_MODEL_VERSION) {
    throw new VigilError(
      'VIGIL_MODEL_INVALID',
      `entry-summary model version ${String(f.version)} is not supported (expected ${ENS_MODEL_VERSION})`,
    );
  }
  if (
    !Array.isArray(f.features) ||
    !Array.isArray(f.trees) ||
    !Array.isArray(f.expectations) ||
    f.expectations.length !== f.trees.length ||
    typeof f.baseScore !== 'number' ||
    f.encoding === undefined
  ) {
    throw new VigilError(
      'VIGIL_MODEL_INVALID',
      'the model file lacks features, trees, expectations or encoding',
    );
  }
  if (f.features.join(',') !== ENS_FEATURES.join(',')) {
    throw new VigilError(
      'VIGIL_MODEL_INVALID',
      'the model reads other features than this version of Vigil computes; train it again',
    );
  }
  return new EnsModel(f as EnsModelFile);
}
