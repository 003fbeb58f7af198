// The model file: one JSON document holding everything needed to score a KCS declaration again —
// format and version, the feature list, the learned encodings, the trees, the training window and
// the evaluation made at training time. Loading checks the format and version and compiles the
// trees into typed arrays once, so scoring afterwards is a tight loop (`scoreRows`).
import { readFile, writeFile } from 'node:fs/promises';
import type { FeatureEncoding } from './features.ts';
import { transformFeatures } from './features.ts';
import type { CompiledForest, GbdtConfig, GbdtTree } from '../learning/gbdt.ts';
import { compileForest, sigmoid, predictRaw } from '../learning/gbdt.ts';
import type { KcsRow } from './kcs-reader.ts';
import type { RankingMetrics } from '../learning/metrics.ts';

export const MODEL_FORMAT = 'vigil-kcs-gbdt';
export const MODEL_VERSION = 1;

export interface TrainingWindow {
  readonly from: string;
  readonly to: string;
  readonly rows: number;
  readonly frauds: number;
}

export interface ModelEvaluation {
  /** How the figures were obtained, in words. */
  readonly method: string;
  readonly metrics: RankingMetrics;
}

export interface KcsModelFile {
  readonly format: typeof MODEL_FORMAT;
  readonly version: typeof MODEL_VERSION;
  readonly createdAt: string;
  readonly features: readonly string[];
  readonly encoding: FeatureEncoding;
  readonly gbdt: GbdtConfig;
  readonly baseScore: number;
  readonly trees: readonly GbdtTree[];
  readonly trainingWindow: TrainingWindow;
  readonly evaluation: ModelEvaluation | null;
}

/** A loaded model, ready to score. */
export interface KcsModel {
  readonly file: KcsModelFile;
  readonly forest: CompiledForest;
}

/** A model file that is not one this code can read: wrong format, version or shape. */
export class KcsModelError extends Error {
  readonly code = 'VIGIL_MODEL_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'KcsModelError';
  }
}

export function modelFromFile(file: KcsModelFile): KcsModel {
  const forest = compileForest({
    numFeatures: file.features.length,
    baseScore: file.baseScore,
    trees: [...file.trees],
  });
  return { file, forest };
}

/** Checks the parsed JSON enough to fail with a clear message rather than deep inside scoring. */
export function parseModelFile(json: unknown): KcsModel {
  if (typeof json !== 'object' || json === null) {
    throw new KcsModelError('model file is not a JSON object');
  }
  const f = json as Partial<KcsModelFile>;
  if (f.format !== MODEL_FORMAT) {
    throw new KcsModelError(`model format is ${String(f.format)}, expected ${MODEL_FORMAT}`);
  }
  if (f.version !== MODEL_VERSION) {
    throw new KcsModelError(
      `model version ${String(f.version)} is not supported (expected ${MODEL_VERSION})`,
    );
  }
  if (
    !Array.isArray(f.features) ||
    !Array.isArray(f.trees) ||
    typeof f.baseScore !== 'number' ||
    f.encoding === undefined
  ) {
    throw new KcsModelError('model file lacks features, trees, baseScore or encoding');
  }
  if (f.encoding.names.length !== f.features.length) {
    throw new KcsModelError('model feature list and encoding disagree');
  }
  return modelFromFile(f as KcsModelFile);
}

export function serializeModel(file: KcsModelFile): string {
  return JSON.stringify(file);
}

export async function saveModel(path: string, file: KcsModelFile): Promise<void> {
  await writeFile(path, serializeModel(file), 'utf8');
}

export async function loadModel(path: string): Promise<KcsModel> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) {
      throw new KcsModelError(`model file ${path} is not valid JSON: ${e.message}`);
    }
    throw e;
  }
  return parseModelFile(json);
}

/** Fraud probability for each row, in row order. */
export function scoreRows(model: KcsModel, rows: readonly KcsRow[]): Float64Array {
  const raw = predictRaw(model.forest, transformFeatures(model.file.encoding, rows));
  for (let i = 0; i < raw.length; i++) {
    raw[i] = sigmoid(raw[i]!);
  }
  return raw;
}
