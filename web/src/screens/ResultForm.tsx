/**
 * The officer's result form (POST /v1/controls/{id}/result): what the control found (nothing, an
 * irregularity with its type and the duty and tax at stake, or a seizure with its category,
 * quantity and unit), how it was found, and notes. The choices come from the API's code lists. A
 * problem is said in words beside its field and in a summary that takes the focus, each line a link
 * to its field, so the form works with the keyboard alone and with a screen reader.
 *
 * Native inputs and selects on purpose: on a tablet at the quay they open the system's own pickers
 * and number pad, and they need no script to be reached and operated by keyboard.
 */
import { useEffect, useRef, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Button } from 'react-aria-components';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api, dataOf } from '../api/client';
import type { paths } from '../api/schema';
import { ErrorPanel } from '../components';
import { codeWord } from './controls-data';
import type { ControlCodeLists, ControlResult, ControlTask } from './controls-data';

type ResultBody = NonNullable<
  paths['/v1/controls/{id}/result']['post']['requestBody']
>['content']['application/json'];

interface Draft {
  result: string;
  method: string;
  type: string;
  duty: string;
  tax: string;
  category: string;
  quantity: string;
  unit: string;
  notes: string;
}
type Field = keyof Draft;
type Problems = Partial<Record<Field, string>>;

/** The order the fields appear in, which the summary of problems follows. */
const FIELDS: readonly Field[] = [
  'result',
  'method',
  'type',
  'category',
  'quantity',
  'unit',
  'duty',
  'tax',
  'notes',
];
const MAX_NOTES = 4000;

/**
 * An amount typed by a person: digits with an optional decimal part, in the form of the language
 * (1250.50 in English; 1250,50 in French and German), spaces and thousands separators allowed.
 * Undefined when it is not a number.
 */
export function parseAmount(text: string, language: string): number | undefined {
  let s = text.replace(/[\s\u00a0\u202f']/g, '');
  s = language === 'fr' || language === 'de' ? s.replace(/\./g, '').replace(',', '.') : s.replace(/,/g, '');
  return /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
}

function check(d: Draft, language: string, t: TFunction): { problems: Problems; body?: ResultBody } {
  const p: Problems = {};
  const amount = (field: 'duty' | 'tax', required: boolean): number | undefined => {
    if (d[field].trim() === '') {
      if (required) {
        p[field] = t(field === 'duty' ? 'result.errDuty' : 'result.errTax');
      }
      return undefined;
    }
    const n = parseAmount(d[field], language);
    if (n === undefined || n > 1e12) {
      p[field] = required
        ? t(field === 'duty' ? 'result.errDuty' : 'result.errTax')
        : t(field === 'duty' ? 'result.errDutyOptional' : 'result.errTaxOptional');
    }
    return n;
  };
  if (d.result === '') {
    p.result = t('result.errOutcome');
  }
  if (d.method === '') {
    p.method = t('result.errMethod');
  }
  let body: ResultBody | undefined;
  const notes = d.notes.trim();
  if (notes.length > MAX_NOTES) {
    p.notes = t('result.errNotes', { count: notes.length });
  }
  const method = d.method as ResultBody['method'];
  const common = notes !== '' ? { method, remarks: notes } : { method };
  if (d.result === 'irregularity') {
    if (d.type === '') {
      p.type = t('result.errType');
    }
    const duty = amount('duty', true);
    const tax = amount('tax', true);
    body = {
      result: 'irregularity',
      type: d.type as Extract<ResultBody, { result: 'irregularity' }>['type'],
      dutyAtStake: duty ?? 0,
      taxAtStake: tax ?? 0,
      ...common,
    };
  } else if (d.result === 'seizure') {
    if (d.category === '') {
      p.category = t('result.errCategory');
    }
    const quantity = parseAmount(d.quantity, language);
    if (quantity === undefined || quantity <= 0 || quantity > 1e12) {
      p.quantity = t('result.errQuantity');
    }
    if (d.unit === '') {
      p.unit = t('result.errUnit');
    }
    const duty = amount('duty', false);
    const tax = amount('tax', false);
    body = {
      result: 'seizure',
      category: d.category as Extract<ResultBody, { result: 'seizure' }>['category'],
      quantity: quantity ?? 0,
      unit: d.unit as Extract<ResultBody, { result: 'seizure' }>['unit'],
      ...(duty !== undefined ? { dutyAtStake: duty } : {}),
      ...(tax !== undefined ? { taxAtStake: tax } : {}),
      ...common,
    };
  } else if (d.result === 'no-irregularity') {
    body = { result: 'no-irregularity', ...common };
  }
  return Object.keys(p).length > 0
    ? { problems: p }
    : { problems: p, ...(body !== undefined ? { body } : {}) };
}

const fieldId = (f: Field) => `result-${f}`;
const errorId = (f: Field) => `result-${f}-error`;

function Problem({ field, problems }: { field: Field; problems: Problems }) {
  const text = problems[field];
  return text === undefined ? null : (
    <span id={errorId(field)} className="field-error">
      {text}
    </span>
  );
}

function described(field: Field, problems: Problems, hint?: string): string | undefined {
  const ids = [problems[field] !== undefined ? errorId(field) : undefined, hint].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function SelectField(props: {
  field: Field;
  label: string;
  value: string;
  options: readonly { id: string; label: string }[];
  problems: Problems;
  onChange: (v: string) => void;
  placeholder: string;
}): ReactNode {
  const { field, problems } = props;
  return (
    <div className={`field big${problems[field] !== undefined ? ' invalid' : ''}`}>
      <label htmlFor={fieldId(field)}>{props.label}</label>
      <Problem field={field} problems={problems} />
      <select
        id={fieldId(field)}
        className="input big"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={problems[field] !== undefined}
        aria-describedby={described(field, problems)}
      >
        <option value="">{props.placeholder}</option>
        {props.options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function AmountField(props: {
  field: 'duty' | 'tax' | 'quantity';
  label: string;
  hint: string;
  value: string;
  problems: Problems;
  onChange: (v: string) => void;
}): ReactNode {
  const { field, problems } = props;
  const hintId = `${fieldId(field)}-hint`;
  return (
    <div className={`field big${problems[field] !== undefined ? ' invalid' : ''}`}>
      <label htmlFor={fieldId(field)}>{props.label}</label>
      <span id={hintId} className="hint">
        {props.hint}
      </span>
      <Problem field={field} problems={problems} />
      <input
        id={fieldId(field)}
        className="input big"
        type="text"
        inputMode="decimal"
        autoComplete="off"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={problems[field] !== undefined}
        aria-describedby={described(field, problems, hintId)}
      />
    </div>
  );
}

export function ResultForm(props: {
  task: ControlTask;
  codes: ControlCodeLists;
  onRecorded: (result: ControlResult) => void;
}) {
  const { t, i18n } = useTranslation();
  const { task, codes } = props;
  const [draft, setDraft] = useState<Draft>({
    result: '',
    method: (codes.detectionMethods as readonly string[]).includes(task.controlType) ? task.controlType : '',
    type: '',
    duty: '',
    tax: '',
    category: '',
    quantity: '',
    unit: '',
    notes: '',
  });
  const [tried, setTried] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(undefined);
  const summary = useRef<HTMLDivElement>(null);
  const { problems, body } = check(draft, i18n.language, t);
  const shown: Problems = tried ? problems : {};
  const listed = FIELDS.filter((f) => shown[f] !== undefined);

  // A refused submission moves the focus to the summary of what is wrong.
  useEffect(() => {
    if (attempt > 0) {
      summary.current?.focus();
    }
  }, [attempt]);

  const set = (field: Field) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setTried(true);
    setFailure(undefined);
    if (body === undefined) {
      setAttempt((n) => n + 1);
      return;
    }
    setBusy(true);
    try {
      const recorded = dataOf(
        await api.POST('/v1/controls/{id}/result', { params: { path: { id: task.id } }, body }),
      );
      props.onRecorded(recorded.result);
    } catch (err) {
      setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  const options = (list: readonly string[], words: string) =>
    list.map((id) => ({ id, label: codeWord(t, words, id) }));
  return (
    <form className="result-form" onSubmit={(e) => void submit(e)} noValidate aria-labelledby="result-h">
      <h2 id="result-h">{t('result.title')}</h2>
      <p className="hint">{t('result.intro')}</p>
      {listed.length > 0 && (
        <div
          className="error-summary"
          role="alert"
          tabIndex={-1}
          ref={summary}
          aria-labelledby="result-problems"
        >
          <h3 id="result-problems">{t('result.problems', { count: listed.length })}</h3>
          <ul>
            {listed.map((f) => (
              <li key={f}>
                <a
                  href={`#${fieldId(f)}`}
                  onClick={(e) => {
                    e.preventDefault();
                    document.getElementById(fieldId(f))?.focus();
                  }}
                >
                  {shown[f]}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset
        className={`choices${shown.result !== undefined ? ' invalid' : ''}`}
        aria-describedby={shown.result !== undefined ? errorId('result') : undefined}
      >
        <legend>{t('result.outcome')}</legend>
        <Problem field="result" problems={shown} />
        {codes.resultKinds.map((kind, i) => (
          <label key={kind} className={`choice${draft.result === kind ? ' on' : ''} kind-${kind}`}>
            <input
              type="radio"
              name="result"
              value={kind}
              id={i === 0 ? fieldId('result') : undefined}
              checked={draft.result === kind}
              onChange={() => set('result')(kind)}
            />
            {codeWord(t, 'result', kind)}
          </label>
        ))}
      </fieldset>
      <div className="form-grid">
        <SelectField
          field="method"
          label={t('result.method')}
          value={draft.method}
          options={options(codes.detectionMethods, 'method')}
          problems={shown}
          onChange={set('method')}
          placeholder={t('result.choose')}
        />
        {draft.result === 'irregularity' && (
          <SelectField
            field="type"
            label={t('result.irregularityType')}
            value={draft.type}
            options={options(codes.irregularityTypes, 'irregularity')}
            problems={shown}
            onChange={set('type')}
            placeholder={t('result.choose')}
          />
        )}
        {draft.result === 'seizure' && (
          <>
            <SelectField
              field="category"
              label={t('result.category')}
              value={draft.category}
              options={options(codes.seizureCategories, 'category')}
              problems={shown}
              onChange={set('category')}
              placeholder={t('result.choose')}
            />
            <AmountField
              field="quantity"
              label={t('result.quantity')}
              hint={t('result.quantityHint')}
              value={draft.quantity}
              problems={shown}
              onChange={set('quantity')}
            />
            <SelectField
              field="unit"
              label={t('result.unit')}
              value={draft.unit}
              options={options(codes.seizureUnits, 'unit')}
              problems={shown}
              onChange={set('unit')}
              placeholder={t('result.choose')}
            />
          </>
        )}
        {(draft.result === 'irregularity' || draft.result === 'seizure') && (
          <>
            <AmountField
              field="duty"
              label={draft.result === 'irregularity' ? t('result.duty') : t('result.dutyOptional')}
              hint={t('result.amountHint')}
              value={draft.duty}
              problems={shown}
              onChange={set('duty')}
            />
            <AmountField
              field="tax"
              label={draft.result === 'irregularity' ? t('result.tax') : t('result.taxOptional')}
              hint={t('result.amountHint')}
              value={draft.tax}
              problems={shown}
              onChange={set('tax')}
            />
          </>
        )}
      </div>
      <div className={`field big wide${shown.notes !== undefined ? ' invalid' : ''}`}>
        <label htmlFor={fieldId('notes')}>{t('result.notes')}</label>
        <span id="result-notes-hint" className="hint">
          {t('result.notesHint')}
        </span>
        <Problem field="notes" problems={shown} />
        <textarea
          id={fieldId('notes')}
          className="input big"
          rows={3}
          value={draft.notes}
          onChange={(e) => set('notes')(e.target.value)}
          aria-invalid={shown.notes !== undefined}
          aria-describedby={described('notes', shown, 'result-notes-hint')}
        />
      </div>
      {failure !== undefined && <ErrorPanel error={failure} />}
      <Button type="submit" className="button big" isDisabled={busy}>
        {busy ? t('result.saving') : t('result.submit')}
      </Button>
    </form>
  );
}
