/**
 * Process entry for `vigil` and `npm start`: reads the command line and hands over to the CLI. Only
 * wiring, signals and exit codes live here: a command that finishes sets the exit code; `serve` and
 * `worker` run until SIGINT or SIGTERM, then stop in order and exit 0 (1 if stopping failed).
 */
import { runCli } from './cli/cli.ts';

const result = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
});
if (typeof result === 'number') {
  process.exitCode = result;
} else {
  const shutdown = (signal: string): void => {
    process.stderr.write(`${signal}: ${result.stopping}\n`);
    result.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`could not stop cleanly: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
