/**
 * Certificates and licences of other authorities as customs check them, pure: the kinds Vigil knows
 * (with the EU's document codes a goods item cites them by, DE 12 03 / TARIC certificate codes), whether
 * a certificate covers what a goods item asks of it on a day, and the hits an assessment makes of the
 * checks done at registration and of the measures that require a certificate for goods and origin.
 */
import type { Filing, GoodsItem, RiskArea, SignalHit, SupportingDocument } from '../domain/index.ts';
import type { ErrorCode } from '../errors/index.ts';
import { countryGroups } from '../risk/index.ts';

/** A hit of the certificate checks: the kernel's signal hit. */
export type CertificateHit = SignalHit;

/** The kinds of certificate the registry holds, each with the document codes that cite it. */
export const CERTIFICATE_TYPES = {
  'cites-permit': {
    title: 'CITES import permit',
    documentCodes: ['C400'],
    riskArea: 'environment',
  },
  'flegt-licence': {
    title: 'FLEGT import licence for timber',
    documentCodes: ['C690'],
    riskArea: 'environment',
  },
  ched: {
    title: 'Common health entry document (CHED-A C640, CHED-P N853, CHED-D C678, CHED-PP C085)',
    documentCodes: ['C640', 'N853', 'C678', 'C085'],
    riskArea: 'health',
  },
  'catch-certificate': {
    title: 'Catch certificate (illegal, unreported and unregulated fishing)',
    documentCodes: ['C673'],
    riskArea: 'environment',
  },
  'dual-use-licence': {
    title: 'Dual-use goods licence',
    documentCodes: ['X002'],
    riskArea: 'security-safety',
  },
} as const satisfies Record<string, { title: string; documentCodes: readonly string[]; riskArea: RiskArea }>;

export type CertificateType = keyof typeof CERTIFICATE_TYPES;
export const CERTIFICATE_KINDS = Object.keys(CERTIFICATE_TYPES) as CertificateType[];

const TYPE_OF_CODE: ReadonlyMap<string, CertificateType> = new Map(
  CERTIFICATE_KINDS.flatMap((t) => CERTIFICATE_TYPES[t].documentCodes.map((c) => [c, t] as const)),
);

/** The kind of certificate a supporting document's type code cites, if it cites one. */
export function certificateTypeOfCode(code: string): CertificateType | undefined {
  return TYPE_OF_CODE.get(code);
}

/** A certificate as the checks need it. Days are ISO dates, both ends included. */
export interface CertificateFacts {
  readonly id: string;
  readonly type: CertificateType;
  readonly documentCode: string;
  readonly number: string;
  readonly holderEori: string | null;
  readonly goods: readonly string[];
  readonly origin: string | null;
  readonly quantity: number | null;
  readonly remaining: number | null;
  readonly unit: string | null;
  readonly validFrom: string;
  readonly validUntil: string | null;
  readonly status: 'valid' | 'cancelled';
}

/** One supporting document of a goods item that cites a certificate. */
export interface Citation {
  readonly consignment: number;
  readonly item: number;
  readonly document: number;
  readonly documentCode: string;
  readonly number: string;
  readonly quantity: number | undefined;
  readonly unit: string | undefined;
  readonly hsCode: string;
  readonly origin: string | undefined;
  /** The consignee's EORI: the importer a certificate is issued to. */
  readonly consignee: string | undefined;
}

/** The key a certificate is cited by: its document code and number. */
export function citationKey(documentCode: string, number: string): string {
  return `${documentCode}/${number.trim().toUpperCase()}`;
}

/** Every supporting document of the filing that cites a certificate, in order. */
export function citationsOf(filing: Filing): Citation[] {
  const out: Citation[] = [];
  filing.consignments.forEach((c, ci) => {
    c.goods.forEach((g: GoodsItem, gi) => {
      (g.supportingDocuments ?? []).forEach((d: SupportingDocument, di) => {
        if (certificateTypeOfCode(d.type) !== undefined) {
          out.push({
            consignment: ci,
            item: gi,
            document: di,
            documentCode: d.type,
            number: d.ref.trim().toUpperCase(),
            quantity: d.quantity,
            unit: d.unit,
            hsCode: g.hsCode,
            origin: g.origin ?? c.consignor?.address?.country,
            consignee: c.consignee?.eori,
          });
        }
      });
    });
  });
  return out;
}

export interface CitationProblem {
  readonly code: ErrorCode;
  readonly message: string;
}

/**
 * What is wrong with a citation of `cert` on `day`, before any quantity is written off (undefined when
 * nothing is): the certificate exists, is valid on the day, covers the goods code, the origin and
 * the holder, and the citation states a quantity in the certificate's unit when it has one.
 */
export function citationProblem(
  cert: CertificateFacts | undefined,
  c: Citation,
  day: string,
): CitationProblem | undefined {
  const what = `${c.documentCode} ${c.number}`;
  if (cert === undefined) {
    return { code: 'VIGIL_CERTIFICATE_UNKNOWN', message: `no certificate ${what} is in the registry` };
  }
  if (cert.status === 'cancelled') {
    return { code: 'VIGIL_CERTIFICATE_NOT_VALID', message: `certificate ${what} was cancelled` };
  }
  if (day < cert.validFrom || (cert.validUntil !== null && day > cert.validUntil)) {
    return {
      code: 'VIGIL_CERTIFICATE_NOT_VALID',
      message: `certificate ${what} is valid from ${cert.validFrom}${cert.validUntil !== null ? ` to ${cert.validUntil}` : ''}, not on ${day}`,
    };
  }
  if (!cert.goods.some((p) => c.hsCode.startsWith(p))) {
    return {
      code: 'VIGIL_CERTIFICATE_GOODS_MISMATCH',
      message: `certificate ${what} covers goods ${cert.goods.join(', ')}, not ${c.hsCode}`,
    };
  }
  if (cert.origin !== null && c.origin !== undefined && c.origin !== cert.origin) {
    return {
      code: 'VIGIL_CERTIFICATE_GOODS_MISMATCH',
      message: `certificate ${what} covers goods of origin ${cert.origin}, not ${c.origin}`,
    };
  }
  if (cert.holderEori !== null && c.consignee !== cert.holderEori) {
    return {
      code: 'VIGIL_CERTIFICATE_HOLDER_MISMATCH',
      message: `certificate ${what} is held by ${cert.holderEori}, not by the consignee ${c.consignee ?? '(none named)'}`,
    };
  }
  if (cert.quantity !== null && c.quantity === undefined) {
    return {
      code: 'VIGIL_CERTIFICATE_QUANTITY_MISSING',
      message: `certificate ${what} is written off by quantity (${cert.unit ?? ''}): the goods item states none`,
    };
  }
  if (c.unit !== undefined && cert.unit !== null && c.unit !== cert.unit) {
    return {
      code: 'VIGIL_CERTIFICATE_UNIT_MISMATCH',
      message: `certificate ${what} counts in ${cert.unit}, the goods item in ${c.unit}`,
    };
  }
  return undefined;
}

/** What registration recorded of one citation (certificate_use). */
export interface CitationResult {
  readonly consignment: number;
  readonly item: number;
  readonly document: number;
  readonly documentCode: string;
  readonly number: string;
  readonly status: 'written-off' | 'released' | 'refused';
  readonly code: string | null;
  readonly message: string;
  readonly quantity: number | null;
  readonly unit: string | null;
}

/** A measure that requires a certificate: goods under a prefix, from an origin (country, group or '*'). */
export interface CertificateRequirement {
  readonly id: string;
  readonly goodsPrefix: string;
  readonly origin: string;
  readonly certificateType: CertificateType;
  readonly description: string;
  readonly validFrom: string;
  readonly validUntil: string | null;
}

function originMatches(requirement: string, origin: string | undefined): boolean {
  if (requirement === '*') {
    return true;
  }
  if (origin === undefined) {
    return false;
  }
  return /^[A-Z]{2}$/.test(requirement) ? requirement === origin : countryGroups.has(requirement, origin);
}

/** Hit ids of the certificate checks: one each per consignment, naming every goods item it concerns. */
export const CERTIFICATE_SIGNALS = {
  missing: 'SIG-CERTIFICATE-MISSING',
  invalid: 'SIG-CERTIFICATE-INVALID',
  exhausted: 'SIG-CERTIFICATE-EXHAUSTED',
} as const;

/**
 * The hits of consignment `seq`: a certificate a goods item cites was refused at registration
 * (exhausted: its quantity is counted at the border, a physical check; anything else: the paper is
 * checked, a documentary check), or a measure requires a certificate that no goods item cites.
 */
export function certificateHits(
  filing: Filing,
  seq: number,
  results: readonly CitationResult[],
  requirements: readonly CertificateRequirement[],
  day: string,
): CertificateHit[] {
  const c = filing.consignments[seq];
  if (c === undefined) {
    return [];
  }
  const out: CertificateHit[] = [];
  const refused = results.filter((r) => r.consignment === seq && r.status === 'refused');
  const areaOf = (code: string): RiskArea =>
    CERTIFICATE_TYPES[certificateTypeOfCode(code) ?? 'cites-permit'].riskArea;
  const exhausted = refused.filter((r) => r.code === 'VIGIL_CERTIFICATE_EXHAUSTED');
  const invalid = refused.filter((r) => r.code !== 'VIGIL_CERTIFICATE_EXHAUSTED');
  const hitOf = (
    id: string,
    title: string,
    action: 'documentary-check' | 'physical-check',
    rs: readonly CitationResult[],
  ): CertificateHit => ({
    id,
    title,
    riskArea: areaOf(rs[0]!.documentCode),
    weight: 60,
    severity: 'high',
    recommendedAction: action,
    reason: rs.map((r) => `goods item ${r.item + 1}: ${r.message}`).join('; '),
    values: {
      goodsItems: rs.map((r) => r.item + 1).join(', '),
      certificates: [...new Set(rs.map((r) => `${r.documentCode} ${r.number}`))].join(', '),
      codes: [...new Set(rs.map((r) => r.code ?? ''))].join(', '),
    },
  });
  if (invalid.length > 0) {
    out.push(
      hitOf(
        CERTIFICATE_SIGNALS.invalid,
        'A certificate the goods cite does not cover them',
        'documentary-check',
        invalid,
      ),
    );
  }
  if (exhausted.length > 0) {
    out.push(
      hitOf(
        CERTIFICATE_SIGNALS.exhausted,
        'A certificate the goods cite has too little quantity left',
        'physical-check',
        exhausted,
      ),
    );
  }
  const missing: { item: number; r: CertificateRequirement; origin: string | undefined; hsCode: string }[] =
    [];
  c.goods.forEach((g, i) => {
    const origin = g.origin ?? c.consignor?.address?.country;
    const cited = new Set(
      (g.supportingDocuments ?? []).flatMap((d) => {
        const t = certificateTypeOfCode(d.type);
        return t === undefined ? [] : [t];
      }),
    );
    for (const r of requirements) {
      if (
        g.hsCode.startsWith(r.goodsPrefix) &&
        originMatches(r.origin, origin) &&
        day >= r.validFrom &&
        (r.validUntil === null || day <= r.validUntil) &&
        !cited.has(r.certificateType)
      ) {
        missing.push({ item: i, r, origin, hsCode: g.hsCode });
        cited.add(r.certificateType);
      }
    }
  });
  if (missing.length > 0) {
    const first = missing[0]!.r;
    out.push({
      id: CERTIFICATE_SIGNALS.missing,
      title: 'The goods need a certificate that is not cited',
      riskArea: CERTIFICATE_TYPES[first.certificateType].riskArea,
      weight: 60,
      severity: 'high',
      recommendedAction: 'documentary-check',
      reason: missing
        .map(
          (m) =>
            `goods item ${m.item + 1} (${m.hsCode} from ${m.origin ?? 'an unknown origin'}) needs a ${CERTIFICATE_TYPES[m.r.certificateType].title} (${m.r.id}: ${m.r.description}); none is cited`,
        )
        .join('; '),
      values: {
        goodsItems: missing.map((m) => m.item + 1).join(', '),
        required: [...new Set(missing.map((m) => m.r.certificateType))].join(', '),
        measures: [...new Set(missing.map((m) => m.r.id))].join(', '),
      },
    });
  }
  return out;
}
