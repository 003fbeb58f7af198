/**
 * The OpenAPI document as the server describes itself, rendered without listening, so it can be
 * checked in (docs/openapi.json) and diffed by a test.
 */
import { openDatabase } from '../store/database.ts';
import { loadConfig } from '../config/index.ts';
import { composeApp } from './compose.ts';
import { buildServer } from '../api/server.ts';

export async function renderOpenApi(dataDir: string): Promise<string> {
  const config = loadConfig({ VIGIL_DATA_DIR: dataDir, VIGIL_LOG_LEVEL: 'silent' });
  const db = await openDatabase({});
  const deps = await composeApp(config, { db });
  const server = await buildServer(config, deps);
  await server.app.ready();
  const doc = JSON.stringify(server.app.swagger(), null, 2) + '\n';
  await server.stop();
  await db.close();
  return doc;
}
