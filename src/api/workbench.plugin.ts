/**
 * The workbench (web/, built by Vite into web/dist): its hashed assets under /assets/ (cached for a
 * year: their names change with their content), and index.html for each of its client-side routes,
 * which the browser app then draws. Only the routes named here fall back to index.html: an unknown
 * /v1, /health or /docs path still gets Vigil's problem+json 404.
 *
 * The pages get a strict content security policy: scripts and styles only from this origin, no
 * inline script, requests only to this origin, no framing. Vite emits module scripts and CSS files,
 * so nothing inline is needed (React sets styles through the DOM, which style-src does not govern),
 * but for the two style elements react-aria adds (touch-action on pressable elements; scroll
 * locking): they carry the nonce that each page names in `<meta name="csp-nonce">`, fresh per answer.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';

export interface WorkbenchOptions {
  /** The built workbench: index.html and assets/. */
  readonly root: string;
}

/** The workbench's client-side routes (web/src/router.tsx): each answers index.html. */
export const WORKBENCH_ROUTES: readonly string[] = [
  '/',
  '/sign-in',
  '/queue',
  '/consignments/:mrn/:index',
  '/controls',
  '/controls/:id',
  '/audit',
  '/rules',
  '/rules/:id',
  '/dashboard',
  '/watchlists',
  '/cooperation',
];

const NONCE_SLOT = '__VIGIL_NONCE__';

const csp = (styleNonce?: string): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    styleNonce !== undefined ? `style-src 'self' 'nonce-${styleNonce}'` : "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vigil</title></head>
<body><main><h1>Vigil</h1><p>The workbench is not built. Run <code>npm run build:web</code> (npm install and
npm start do it for you), then reload. The API is at <a href="/docs">/docs</a>.</p></main></body></html>`;

export const workbench: FastifyPluginAsync<WorkbenchOptions> = async (app, opts) => {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) {
      void reply.header('content-security-policy', csp());
    }
    return payload;
  });
  const built = existsSync(join(opts.root, 'index.html'));
  const index = built ? readFileSync(join(opts.root, 'index.html'), 'utf8') : '';
  if (built) {
    await app.register(fastifyStatic, {
      root: join(opts.root, 'assets'),
      prefix: '/assets/',
      immutable: true,
      maxAge: '365d',
      index: false,
    });
  }
  const page = (reply: FastifyReply) => {
    if (!built) {
      return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header('content-security-policy', csp(nonce))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(index.replaceAll(NONCE_SLOT, nonce));
  };
  for (const url of WORKBENCH_ROUTES) {
    app.get(url, { schema: { hide: true } }, (_request, reply) => page(reply));
  }
};
