/**
 * `vigil demo`: realistic synthetic filings from the demo generator, to a file, stdout or a server.
 */
import { parseArgs } from 'node:util';
import { VigilError } from '../errors/index.ts';
import { DemoPostError, acceptedCount, runDemo } from '../demo/index.ts';
import type { CliIo } from './cli-io.ts';

export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: 'string', default: '100' },
      seed: { type: 'string' },
      out: { type: 'string' },
      post: { type: 'string' },
      token: { type: 'string' },
      'invalid-share': { type: 'string' },
      now: { type: 'string' },
    },
  });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 0) {
    throw new VigilError('VIGIL_BAD_REQUEST', '--count is a whole number');
  }
  if (values.post !== undefined && values.token === undefined) {
    throw new VigilError(
      'VIGIL_BAD_REQUEST',
      '--post needs --token (npx vigil token --authority NL --role filer --subject demo)',
    );
  }
  const now = values.now !== undefined ? new Date(values.now) : undefined;
  if (now !== undefined && Number.isNaN(now.getTime())) {
    throw new VigilError('VIGIL_BAD_REQUEST', '--now is an ISO 8601 date-time');
  }
  let result;
  try {
    result = await runDemo(
      {
        count,
        ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values.post !== undefined ? { post: values.post } : {}),
        ...(values.token !== undefined ? { token: values.token } : {}),
        ...(values['invalid-share'] !== undefined ? { invalidShare: Number(values['invalid-share']) } : {}),
        ...(now !== undefined ? { now } : {}),
      },
      { stdout: io.stdout, stderr: io.stderr },
    );
  } catch (err) {
    if (err instanceof DemoPostError) {
      io.stderr.write(`vigil demo: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  if (result.posted !== undefined && result.generated > 0 && acceptedCount(result.posted.status) === 0) {
    io.stderr.write(
      `vigil demo: the server accepted none of the ${result.generated} filings (see the statuses above${
        result.posted.status['401'] !== undefined ? '; 401: is the token one this server issued?' : ''
      })\n`,
    );
    return 1;
  }
  return 0;
}
