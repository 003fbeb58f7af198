/**
 * The CLI's way to a running Vigil server: one authenticated JSON request, for the commands that can
 * go through the server instead of opening the database (rules, models, audit verify, ingest). The
 * embedded database admits one process, so while `vigil serve` runs, these go over HTTP.
 */
import { VigilError } from '../errors/index.ts';

export interface ApiAnswer {
  readonly status: number;
  /** The body parsed when the server said it is JSON (problem+json too), else null. */
  readonly json: unknown;
  /** The body as it came (a CSV export is not JSON). */
  readonly text: string;
}

export type ApiCall = (
  method: string,
  path: string,
  body?: unknown,
  /** A body of another type (a CSV or XML file) goes as it is, with this content type. */
  contentType?: string,
) => Promise<ApiAnswer>;

/** Requests to `${url}/v1…` with the bearer token; bodies are sent as JSON unless typed otherwise. */
export function apiClient(url: string, token: string | undefined): ApiCall {
  if (token === undefined) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      'going through the server needs --token or VIGIL_TOKEN (npx vigil token --authority NL --role … --subject you)',
    );
  }
  const base = url.replace(/\/+$/, '');
  return async (method, path, body, contentType) => {
    const raw = contentType !== undefined && (typeof body === 'string' || body instanceof Uint8Array);
    const res = await fetch(`${base}/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': contentType ?? 'application/json' } : {}),
      },
      ...(body !== undefined
        ? {
            body: raw ? body : typeof body === 'string' ? body : JSON.stringify(body),
          }
        : {}),
    });
    const text = await res.text();
    const isJson = /\bjson\b/.test(res.headers.get('content-type') ?? 'application/json');
    return {
      status: res.status,
      json: text === '' || !isJson ? null : (JSON.parse(text) as unknown),
      text,
    };
  };
}
