/**
 * The CLI's way to a running Vigil server: one authenticated JSON request, for the commands that can
 * go through the server instead of opening the database (rules, models, audit verify, ingest). The
 * embedded database admits one process, so while `vigil serve` runs, these go over HTTP.
 */
import { VigilError } from '../errors/index.ts';

export interface ApiAnswer {
  readonly status: number;
  readonly json: unknown;
}

export type ApiCall = (method: string, path: string, body?: unknown) => Promise<ApiAnswer>;

/** Requests to `${url}/v1…` with the bearer token; bodies are sent as JSON. */
export function apiClient(url: string, token: string | undefined): ApiCall {
  if (token === undefined) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      'going through the server needs --token or VIGIL_TOKEN (npx vigil token --authority NL --role … --subject you)',
    );
  }
  const base = url.replace(/\/+$/, '');
  return async (method, path, body) => {
    const res = await fetch(`${base}/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  };
}
