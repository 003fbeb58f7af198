/**
 * A small server around one feature's route plugin, set up like the real one (bearer tokens,
 * problem+json, Vigil's own validation), for API tests whose harness builds its services by hand.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../../src/api/problem.ts';
import { TokenService, memoryKeyring } from '../../src/auth/index.ts';
import { VigilError } from '../../src/errors/index.ts';
import type { Database } from '../../src/store/database.ts';
import type { Role } from '../../src/auth/index.ts';

export interface PluginApi<H> {
  readonly h: H;
  readonly app: FastifyInstance;
  token(authority: string, role: Role, subject: string): Promise<string>;
  close(): Promise<void>;
}

/** Mounts `register` under /v1 around a harness, with tokens signed by a keyring of its own. */
export async function startPluginApi<H extends { readonly db: Database; close(): Promise<void> }>(
  h: H,
  register: (v1: FastifyInstance) => Promise<void>,
): Promise<PluginApi<H>> {
  const tokens = new TokenService(memoryKeyring());
  const app = Fastify({ logger: false });
  app.decorateRequest('actor', null);
  app.setValidatorCompiler(() => (data: unknown) => ({ value: data }));
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));
  app.setErrorHandler((err, request, reply) => sendProblem(reply, request, err));
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request) => {
        const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
        if (match === null) {
          throw new VigilError('VIGIL_UNAUTHENTICATED');
        }
        request.actor = await tokens.verify(match[1]!);
      });
      await register(v1);
    },
    { prefix: '/v1' },
  );
  await app.ready();
  return {
    h,
    app,
    token: (authority, role, subject) => tokens.issue({ authority, role, subject, ttlSeconds: 3600 }),
    async close() {
      await app.close();
      await h.close();
    },
  };
}
