/**
 * Process entry for `vigil` and `npm start`: reads the command line and hands over to the CLI.
 * Only wiring and signal handling live here.
 */
import { runCli } from './cli/cli.ts';

const code = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
if (code !== undefined) {
  process.exitCode = code;
}
