/**
 * Data of the officer's screens: the control code lists (GET /v1/controls/code-lists, the one list
 * the API validates results with), taking the next control of an office, and words for codes.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { api, dataOf } from '../api/client';
import type { Schemas } from '../api/client';

export type ControlTask = Schemas['ControlTask'];
export type ControlResult = Schemas['ControlResult'];
export type ControlCodeLists = Schemas['ControlCodeLists'];

export function useControlCodes() {
  return useQuery({
    queryKey: ['control-code-lists'],
    queryFn: async () => dataOf(await api.GET('/v1/controls/code-lists')),
    staleTime: Infinity,
  });
}

/**
 * Takes the earliest-due open control of the office (the caller's own, or `office`): the task, or
 * null when the office has none open.
 */
export function useTakeNext() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (office: string | undefined): Promise<ControlTask | null> => {
      const r = await api.POST('/v1/controls/assign-next', {
        params: { query: office !== undefined ? { office } : {} },
        body: {},
      });
      if (r.response.status === 204) {
        return null;
      }
      return dataOf(r);
    },
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['controls'] });
    },
  });
}

/** A code in words when the workbench knows it, else the code itself (a newer server's code). */
export function codeWord(t: TFunction, list: string, code: string): string {
  return t(`codes.${list}.${code}`, { defaultValue: code });
}

/** A result's details in words: what was found, how much, at what stake. */
export function describeResult(
  r: { result: string; details: Record<string, unknown> },
  t: TFunction,
  language: string,
): string {
  const number = (v: unknown) => (typeof v === 'number' ? new Intl.NumberFormat(language).format(v) : '—');
  const euro = (v: unknown) =>
    typeof v === 'number'
      ? new Intl.NumberFormat(language, { style: 'currency', currency: 'EUR' }).format(v)
      : '—';
  const d = r.details;
  if (r.result === 'seizure') {
    return t('result.seizureWhat', {
      quantity: number(d['quantity']),
      unit: codeWord(t, 'unit', String(d['unit'])),
      category: codeWord(t, 'category', String(d['category'])),
    });
  }
  if (r.result === 'irregularity') {
    return t('result.irregularityWhat', {
      type: codeWord(t, 'irregularity', String(d['type'])),
      duty: euro(d['dutyAtStake']),
      tax: euro(d['taxAtStake']),
    });
  }
  return codeWord(t, 'result', r.result);
}
