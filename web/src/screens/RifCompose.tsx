/**
 * Composing a risk information form (issue 16, RIFs): a draft with its structured indicators,
 * handling, validity, recipients from the authority directory and feedback asked (POST /v1/rifs, or
 * PUT /v1/rifs/{id} for a draft changed or an issued RIF amended, a new version). The server checks
 * the form; each problem it names (its `errors[].path`, e.g. `$.indicators.goodsCodes[0]`) is shown
 * in words beside its field, and listed above the buttons with a link to the field. The candidate
 * duplicates the server finds are listed after saving. Loaded on demand from the Cooperation screen.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import { api, ApiProblem, dataOf } from '../api/client';
import type { Schemas } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorPanel } from '../components';
import { useSession } from '../session';
import { RULE_RISK_AREAS } from '../rules/risk-areas';
import './rif-words';

type Rif = Schemas['Rif'];
type RifBody = paths['/v1/rifs']['post']['requestBody']['content']['application/json'];
type Duplicate = Schemas['RifDuplicate'];
interface FieldError {
  code: string;
  path: string;
  message: string;
}

export const RIF_RISK_AREAS: readonly RifBody['riskArea'][] = [
  ...RULE_RISK_AREAS,
  'drugs',
  'revenue',
  'ipr-health-safety',
  'security',
  'cultural-heritage',
];
const ACTIONS: readonly RifBody['recommendedAction'][] = [
  'none',
  'documentary-check',
  'physical-check',
  'scan',
  'request-for-information',
  'high-risk-screening',
  'do-not-load',
  'post-clearance-audit',
];
const MODES = ['maritime', 'air', 'road', 'rail', 'inland-waterway', 'postal', 'express'] as const;
const CONTROL_TYPES = ['documentary', 'physical', 'scan'] as const;
const URGENCIES = ['routine', 'urgent', 'immediate'] as const;
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
const CODES = ['H0', 'H1', 'H2', 'H3'] as const;
const RELIABILITY = ['A', 'B', 'C', 'X'] as const;
const ACCURACY = ['1', '2', '3', '4'] as const;

/** The list indicators typed as text: codes split on commas and spaces, words on commas. */
const LISTS = [
  ['goodsCodes', 'codes'],
  ['origins', 'codes'],
  ['dispatchCountries', 'codes'],
  ['routeCountries', 'codes'],
  ['places', 'codes'],
  ['containers', 'codes'],
  ['descriptionKeywords', 'words'],
  ['meansOfTransport', 'words'],
] as const;
type ListKey = (typeof LISTS)[number][0];
const RANGES = ['valueRange', 'unitValueRange', 'weightRange'] as const;
type RangeKey = (typeof RANGES)[number];

interface Form {
  title: string;
  riskArea: string;
  description: string;
  modusOperandi: string;
  concealment: string;
  lists: Record<ListKey, string>;
  operators: string;
  modes: string[];
  ranges: Record<RangeKey, { min: string; max: string }>;
  recommendedAction: string;
  controlType: string;
  urgency: string;
  validFrom: string;
  validUntil: string;
  toAll: boolean;
  recipients: string[];
  partnerAgencies: string[];
  tlp: string;
  code: string;
  restriction: string;
  sourceReliability: string;
  informationAccuracy: string;
  feedbackRequired: boolean;
  dueAt: string;
}

const day = (iso: string | undefined): string => (iso === undefined ? '' : iso.slice(0, 10));

function formOf(rif: Rif | undefined): Form {
  const ind = rif?.indicators ?? {};
  const range = (r: { min?: number; max?: number } | undefined) => ({
    min: r?.min === undefined ? '' : String(r.min),
    max: r?.max === undefined ? '' : String(r.max),
  });
  return {
    title: rif?.title ?? '',
    riskArea: rif?.riskArea ?? '',
    description: rif?.description ?? '',
    modusOperandi: rif?.modusOperandi ?? '',
    concealment: rif?.concealment ?? '',
    lists: Object.fromEntries(LISTS.map(([k]) => [k, (ind[k] ?? []).join(', ')])) as Record<ListKey, string>,
    operators: (ind.operators ?? [])
      .map((o) =>
        [o.role !== 'any' ? `${o.role}:` : '', typeof o.eori === 'string' ? o.eori : '', o.name ?? '']
          .join(' ')
          .trim(),
      )
      .join('\n'),
    modes: [...(ind.modes ?? [])],
    ranges: {
      valueRange: range(ind.valueRange),
      unitValueRange: range(ind.unitValueRange),
      weightRange: range(ind.weightRange),
    },
    recommendedAction: rif?.recommendedAction ?? 'physical-check',
    controlType: rif?.controlType ?? '',
    urgency: rif?.urgency ?? 'routine',
    validFrom: day(rif?.validFrom),
    validUntil: day(rif?.validUntil),
    toAll: rif?.recipients === 'all',
    recipients: rif === undefined || rif.recipients === 'all' ? [] : [...rif.recipients],
    partnerAgencies: [...(rif?.partnerAgencies ?? [])],
    tlp: rif?.handling.tlp ?? 'AMBER',
    code: rif?.handling.code ?? 'H1',
    restriction: rif?.handling.restriction ?? '',
    sourceReliability: rif?.handling.sourceReliability ?? 'B',
    informationAccuracy: String(rif?.handling.informationAccuracy ?? 2),
    feedbackRequired: rif?.feedback.required ?? false,
    dueAt: day(rif?.feedback.dueAt),
  };
}

const OPERATOR_ROLES = ['consignor', 'consignee', 'declarant', 'carrier', 'notify'] as const;
const EORI = /^[A-Z]{2}[A-Za-z0-9]{1,15}$/;

/** One operator a line: an optional `role:`, then an EORI, a name, or both. */
function operatorsOf(text: string): NonNullable<RifBody['indicators']['operators']> {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line) => {
      let rest = line;
      let role: (typeof OPERATOR_ROLES)[number] | 'any' = 'any';
      const m = /^([a-z]+):\s*(.*)$/.exec(line);
      if (m !== null && (OPERATOR_ROLES as readonly string[]).includes(m[1]!)) {
        role = m[1] as (typeof OPERATOR_ROLES)[number];
        rest = m[2]!;
      }
      const [first, ...others] = rest.split(/\s+/);
      if (first !== undefined && EORI.test(first)) {
        const name = others.join(' ').trim();
        return { role, eori: first, ...(name !== '' ? { name } : {}) };
      }
      return { role, name: rest };
    });
}

function bodyOf(f: Form): RifBody {
  const indicators: Record<string, unknown> = {};
  for (const [key, kind] of LISTS) {
    const items = f.lists[key]
      .split(kind === 'codes' ? /[\s,;]+/ : /[,;\n]+/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length > 0) {
      indicators[key] = kind === 'codes' && key !== 'goodsCodes' ? items.map((s) => s.toUpperCase()) : items;
    }
  }
  const ops = operatorsOf(f.operators);
  if (ops.length > 0) {
    indicators['operators'] = ops;
  }
  if (f.modes.length > 0) {
    indicators['modes'] = f.modes;
  }
  for (const key of RANGES) {
    const r = f.ranges[key];
    const num = (s: string) => (s.trim() === '' ? undefined : Number(s.trim().replace(',', '.')));
    const min = num(r.min);
    const max = num(r.max);
    if (min !== undefined || max !== undefined) {
      indicators[key] = { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
    }
  }
  const opt = (key: string, v: string) => (v.trim() !== '' ? { [key]: v.trim() } : {});
  return {
    title: f.title,
    riskArea: f.riskArea as RifBody['riskArea'],
    description: f.description,
    ...opt('modusOperandi', f.modusOperandi),
    ...opt('concealment', f.concealment),
    indicators: indicators,
    recommendedAction: f.recommendedAction as RifBody['recommendedAction'],
    ...(f.controlType !== '' ? { controlType: f.controlType as NonNullable<RifBody['controlType']> } : {}),
    urgency: f.urgency as NonNullable<RifBody['urgency']>,
    validFrom: f.validFrom,
    validUntil: f.validUntil,
    recipients: f.toAll ? 'all' : f.recipients,
    partnerAgencies: f.partnerAgencies,
    handling: {
      tlp: f.tlp as RifBody['handling']['tlp'],
      code: f.code as RifBody['handling']['code'],
      ...opt('restriction', f.restriction),
      sourceReliability: f.sourceReliability as RifBody['handling']['sourceReliability'],
      informationAccuracy: Number(f.informationAccuracy) as RifBody['handling']['informationAccuracy'],
    },
    feedback: { required: f.feedbackRequired, ...(f.dueAt !== '' ? { dueAt: f.dueAt } : {}) },
  };
}

/** The fields a problem's path may name, longest first (so `indicators.goodsCodes` beats `indicators`). */
const FIELDS = [
  'title',
  'riskArea',
  'description',
  'modusOperandi',
  'concealment',
  ...LISTS.map(([k]) => `indicators.${k}`),
  'indicators.operators',
  'indicators.modes',
  ...RANGES.map((k) => `indicators.${k}`),
  'indicators',
  'recommendedAction',
  'controlType',
  'urgency',
  'validFrom',
  'validUntil',
  'recipients',
  'partnerAgencies',
  'handling.tlp',
  'handling.code',
  'handling.restriction',
  'handling.sourceReliability',
  'handling.informationAccuracy',
  'feedback.dueAt',
  'feedback.required',
].sort((a, b) => b.length - a.length);

/** `$.indicators.goodsCodes[0]` → `indicators.goodsCodes`; a path no field names → ''. */
export function fieldOf(path: string): string {
  const plain = path.replace(/^\$\.?/, '').replace(/\[[^\]]*\]/g, '');
  return FIELDS.find((f) => plain === f || plain.startsWith(`${f}.`)) ?? '';
}

const idOf = (field: string) => `rif-f-${field.replace(/\./g, '-')}`;

class FieldProblems extends ApiProblem {
  readonly errors: FieldError[];
  constructor(status: number, body: unknown) {
    super(status, body);
    const e = (body as { errors?: unknown } | undefined)?.errors;
    this.errors = Array.isArray(e) ? (e as FieldError[]) : [];
  }
}

export function RifCompose({
  rif,
  onSaved,
  onCancel,
}: {
  rif?: Rif;
  onSaved: (id: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  // Opening this panel moves the focus to its heading (the button that opened it is gone).
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const client = useQueryClient();
  const session = useSession().data!;
  const [form, setForm] = useState<Form>(() => formOf(rif));
  const [duplicates, setDuplicates] = useState<Duplicate[] | undefined>();
  const directory = useQuery({
    queryKey: ['authorities'],
    queryFn: async () => dataOf(await api.GET('/v1/authorities')),
  });
  const save = useMutation({
    mutationFn: async (body: RifBody) => {
      const r =
        rif === undefined
          ? await api.POST('/v1/rifs', { body })
          : await api.PUT('/v1/rifs/{id}', { params: { path: { id: rif.id } }, body });
      if (r.error !== undefined || !r.response.ok) {
        throw new FieldProblems(r.response.status, r.error);
      }
      return r.data;
    },
    onSuccess: async (out) => {
      setDuplicates(out.duplicates);
      await client.invalidateQueries({ queryKey: ['rifs'] });
      await client.invalidateQueries({ queryKey: ['rif', out.rif.id] });
      if (out.duplicates.length === 0) {
        onSaved(out.rif.id);
      }
    },
  });
  const problems = save.error instanceof FieldProblems ? save.error.errors : [];
  const byField = new Map<string, FieldError[]>();
  for (const p of problems) {
    const f = fieldOf(p.path);
    byField.set(f, [...(byField.get(f) ?? []), p]);
  }

  const set =
    <K extends keyof Form>(key: K) =>
    (value: Form[K]) =>
      setForm((f) => ({ ...f, [key]: value }));
  const described = (field: string, hint?: boolean) => {
    const ids = [
      ...(byField.has(field) ? [`${idOf(field)}-err`] : []),
      ...(hint ? [`${idOf(field)}-hint`] : []),
    ];
    return {
      id: idOf(field),
      'aria-invalid': byField.has(field),
      ...(ids.length > 0 ? { 'aria-describedby': ids.join(' ') } : {}),
    };
  };
  const errorOf = (field: string): ReactNode =>
    byField.has(field) ? (
      <span id={`${idOf(field)}-err`} className="field-error">
        {byField
          .get(field)!
          .map((p) => t(`rif.err.${p.code}`, { defaultValue: p.message, message: p.message }))
          .join(' ')}
      </span>
    ) : null;
  const hint = (field: string, text: string) => (
    <span id={`${idOf(field)}-hint`} className="hint">
      {text}
    </span>
  );

  const text = (field: 'title' | 'description' | 'modusOperandi' | 'concealment', rows?: number) => (
    <div className="field wide">
      <label htmlFor={idOf(field)}>
        {t(`rif.${field}`)}
        {field === 'title' || field === 'description' ? '' : ` ${t('rif.optional')}`}
      </label>
      {rows === undefined ? (
        <input
          className="input"
          {...described(field)}
          value={form[field]}
          onChange={(e) => set(field)(e.target.value)}
        />
      ) : (
        <textarea
          className="input"
          rows={rows}
          {...described(field)}
          value={form[field]}
          onChange={(e) => set(field)(e.target.value)}
        />
      )}
      {errorOf(field)}
    </div>
  );
  const select = (
    field: string,
    value: string,
    choices: readonly string[],
    onChange: (v: string) => void,
    label: (c: string) => string,
    empty?: string,
  ) => (
    <div className="field">
      <label htmlFor={idOf(field)}>{t(`rif.${field.replace('handling.', '')}`)}</label>
      <select
        className="input"
        {...described(field)}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        {choices.map((c) => (
          <option key={c} value={c}>
            {label(c)}
          </option>
        ))}
      </select>
      {errorOf(field)}
    </div>
  );
  const checkboxes = (
    field: string,
    legend: string,
    choices: readonly { id: string; label: string }[],
    value: string[],
    onChange: (v: string[]) => void,
    disabled = false,
  ) => (
    <fieldset
      className="rif-checks"
      id={idOf(field)}
      aria-invalid={byField.has(field)}
      {...(byField.has(field) ? { 'aria-describedby': `${idOf(field)}-err` } : {})}
      disabled={disabled}
    >
      <legend>{legend}</legend>
      {choices.map((c) => (
        <label key={c.id} className="rif-check">
          <input
            type="checkbox"
            checked={value.includes(c.id)}
            onChange={(e) => onChange(e.target.checked ? [...value, c.id] : value.filter((v) => v !== c.id))}
          />
          {c.label}
        </label>
      ))}
      {errorOf(field)}
    </fieldset>
  );

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setDuplicates(undefined);
    save.mutate(bodyOf(form));
  }

  const entries = directory.data?.items ?? [];
  const customs = entries.filter((a) => a.kind === 'customs' && a.code !== session.authority);
  const partners = entries.filter((a) => a.kind === 'partner');
  const editing = rif !== undefined;
  const amending = rif?.status === 'issued';
  const unplaced = byField.get('') ?? [];

  return (
    <section id="rif-compose" className="card rif-compose" aria-labelledby="rif-compose-title">
      <h3 id="rif-compose-title" ref={heading} tabIndex={-1}>
        {amending
          ? t('rif.amendTitle', { id: rif.id })
          : editing
            ? t('rif.editTitle', { id: rif.id })
            : t('rif.newTitle')}
      </h3>
      {amending && <p className="hint">{t('rif.amendHint')}</p>}
      <form onSubmit={submit} noValidate>
        <fieldset className="rif-group">
          <legend>{t('rif.what')}</legend>
          {text('title')}
          {select('riskArea', form.riskArea, RIF_RISK_AREAS, set('riskArea'), (c) => c, t('rif.choose'))}
          {text('description', 3)}
          {text('modusOperandi', 2)}
          {text('concealment')}
        </fieldset>

        <fieldset
          className="rif-group"
          id={idOf('indicators')}
          aria-invalid={byField.has('indicators')}
          aria-describedby={
            byField.has('indicators') ? `${idOf('indicators')}-err rif-ind-hint` : 'rif-ind-hint'
          }
        >
          <legend>{t('rif.indicators')}</legend>
          <p id="rif-ind-hint" className="hint">
            {t('rif.indicatorsHint')}
          </p>
          {errorOf('indicators')}
          <div className="rif-grid">
            {LISTS.map(([key, kind]) => {
              const field = `indicators.${key}`;
              return (
                <div className="field" key={key}>
                  <label htmlFor={idOf(field)}>{t(`coop.indicator.${key}`)}</label>
                  <input
                    className="input"
                    {...described(field, true)}
                    value={form.lists[key]}
                    onChange={(e) => setForm((f) => ({ ...f, lists: { ...f.lists, [key]: e.target.value } }))}
                  />
                  {hint(
                    field,
                    t(`rif.hint.${key}`, {
                      defaultValue: kind === 'codes' ? t('rif.hint.codes') : t('rif.hint.words'),
                    }),
                  )}
                  {errorOf(field)}
                </div>
              );
            })}
          </div>
          {checkboxes(
            'indicators.modes',
            t('coop.indicator.modes'),
            MODES.map((m) => ({ id: m, label: m })),
            form.modes,
            set('modes'),
          )}
          <div className="field wide">
            <label htmlFor={idOf('indicators.operators')}>{t('coop.indicator.operators')}</label>
            <textarea
              className="input"
              rows={2}
              {...described('indicators.operators', true)}
              value={form.operators}
              onChange={(e) => set('operators')(e.target.value)}
            />
            {hint('indicators.operators', t('rif.hint.operators'))}
            {errorOf('indicators.operators')}
          </div>
          <div className="rif-grid">
            {RANGES.map((key) => {
              const field = `indicators.${key}`;
              return (
                <fieldset
                  key={key}
                  className="rif-range"
                  id={idOf(field)}
                  aria-invalid={byField.has(field)}
                  {...(byField.has(field) ? { 'aria-describedby': `${idOf(field)}-err` } : {})}
                >
                  <legend>{t(`coop.indicator.${key}`)}</legend>
                  {(['min', 'max'] as const).map((end) => (
                    <label key={end} className="rif-range-end">
                      {t(`rif.${end}`)}
                      <input
                        className="input"
                        inputMode="decimal"
                        value={form.ranges[key][end]}
                        onChange={(e) =>
                          setForm((f) => ({
                            ...f,
                            ranges: { ...f.ranges, [key]: { ...f.ranges[key], [end]: e.target.value } },
                          }))
                        }
                      />
                    </label>
                  ))}
                  {errorOf(field)}
                </fieldset>
              );
            })}
          </div>
        </fieldset>

        <fieldset className="rif-group">
          <legend>{t('rif.action')}</legend>
          <div className="rif-grid">
            {select('recommendedAction', form.recommendedAction, ACTIONS, set('recommendedAction'), (c) => c)}
            {select(
              'controlType',
              form.controlType,
              CONTROL_TYPES,
              set('controlType'),
              (c) => c,
              t('rif.none'),
            )}
            {select('urgency', form.urgency, URGENCIES, set('urgency'), (c) => t(`rif.urgencies.${c}`))}
            <div className="field">
              <label htmlFor={idOf('validFrom')}>{t('rif.validFrom')}</label>
              <input
                type="date"
                className="input"
                {...described('validFrom')}
                value={form.validFrom}
                onChange={(e) => set('validFrom')(e.target.value)}
              />
              {errorOf('validFrom')}
            </div>
            <div className="field">
              <label htmlFor={idOf('validUntil')}>{t('rif.validUntil')}</label>
              <input
                type="date"
                className="input"
                {...described('validUntil')}
                value={form.validUntil}
                onChange={(e) => set('validUntil')(e.target.value)}
              />
              {errorOf('validUntil')}
            </div>
          </div>
        </fieldset>

        <fieldset className="rif-group">
          <legend>{t('rif.who')}</legend>
          {directory.isError && (
            <ErrorPanel error={directory.error} onRetry={() => void directory.refetch()} />
          )}
          <label className="rif-check">
            <input type="checkbox" checked={form.toAll} onChange={(e) => set('toAll')(e.target.checked)} />
            {t('rif.toAll')}
          </label>
          {checkboxes(
            'recipients',
            t('coop.recipients'),
            customs.map((a) => ({ id: a.code, label: `${a.code} · ${a.name}` })),
            form.recipients,
            set('recipients'),
            form.toAll,
          )}
          {partners.length > 0 &&
            checkboxes(
              'partnerAgencies',
              t('rif.partnerAgencies'),
              partners.map((a) => ({ id: a.code, label: `${a.code} · ${a.name}` })),
              form.partnerAgencies,
              set('partnerAgencies'),
            )}
          <div className="rif-grid">
            {select('handling.tlp', form.tlp, TLPS, set('tlp'), (c) => `TLP:${c}`)}
            {select('handling.code', form.code, CODES, set('code'), (c) => t(`rif.codes.${c}`))}
            {select(
              'handling.sourceReliability',
              form.sourceReliability,
              RELIABILITY,
              set('sourceReliability'),
              (c) => t(`rif.reliabilities.${c}`),
            )}
            {select(
              'handling.informationAccuracy',
              form.informationAccuracy,
              ACCURACY,
              set('informationAccuracy'),
              (c) => t(`rif.accuracies.${c}`),
            )}
          </div>
          <div className="field wide">
            <label htmlFor={idOf('handling.restriction')}>{t('rif.restriction')}</label>
            <input
              className="input"
              {...described('handling.restriction', true)}
              value={form.restriction}
              onChange={(e) => set('restriction')(e.target.value)}
            />
            {hint('handling.restriction', t('rif.restrictionHint'))}
            {errorOf('handling.restriction')}
          </div>
        </fieldset>

        <fieldset className="rif-group">
          <legend>{t('coop.feedback')}</legend>
          <label className="rif-check">
            <input
              type="checkbox"
              checked={form.feedbackRequired}
              onChange={(e) => set('feedbackRequired')(e.target.checked)}
            />
            {t('rif.feedbackRequired')}
          </label>
          <div className="field">
            <label htmlFor={idOf('feedback.dueAt')}>{t('coop.colDue')}</label>
            <input
              type="date"
              className="input"
              {...described('feedback.dueAt')}
              value={form.dueAt}
              onChange={(e) => set('dueAt')(e.target.value)}
            />
            {errorOf('feedback.dueAt')}
          </div>
        </fieldset>

        {save.isError && problems.length > 0 && (
          <div role="alert" className="problem" id="rif-problems">
            <p className="problem-title">{t('rif.problems', { count: problems.length })}</p>
            <ul>
              {problems.map((p, i) => {
                const f = fieldOf(p.path);
                const words = t(`rif.err.${p.code}`, { defaultValue: p.message, message: p.message });
                return <li key={i}>{f !== '' ? <a href={`#${idOf(f)}`}>{words}</a> : words}</li>;
              })}
            </ul>
            {unplaced.length > 0 && <p>{t('rif.unplaced')}</p>}
          </div>
        )}
        {save.isError && problems.length === 0 && <ErrorPanel error={save.error} />}
        {duplicates !== undefined && duplicates.length > 0 && (
          <div role="status" className="rif-duplicates">
            <p className="problem-title">{t('rif.duplicates', { count: duplicates.length })}</p>
            <ul>
              {duplicates.map((d) => (
                <li key={d.id}>
                  {t('rif.duplicate', {
                    id: d.id,
                    issuer: d.issuer,
                    title: d.title ?? '',
                    score: Math.round(d.score * 100),
                    shared: d.shared
                      .map(
                        (s) =>
                          `${t(`coop.indicator.${s.indicator}`, { defaultValue: s.indicator })}: ${s.values.join(', ')}`,
                      )
                      .join('; '),
                  })}
                </li>
              ))}
            </ul>
            <p>{t('rif.duplicatesWhat')}</p>
            <Button className="button secondary" onPress={() => onSaved(save.data!.rif.id)}>
              {t('rif.keepDraft')}
            </Button>
          </div>
        )}
        <div className="rif-buttons">
          <Button type="submit" className="button" isDisabled={save.isPending}>
            {save.isPending ? t('rif.saving') : amending ? t('rif.saveAmend') : t('rif.saveDraft')}
          </Button>
          <Button className="button secondary" onPress={onCancel}>
            {t('rif.cancel')}
          </Button>
        </div>
      </form>
    </section>
  );
}
