/**
 * The `vigil` command: serve, migrate, token, ingest, demo, rules, rifs, report (and the model's
 * train/evaluate/simulate). Each subcommand parses its own flags with node:util parseArgs and reports
 * errors on stderr with a non-zero exit code; `token` prints only the token on stdout so scripts can
 * capture it.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { MAX_TTL_SECONDS, ROLES, TokenService, tokenId } from '../auth/index.ts';
import type { Role } from '../auth/index.ts';
import { composeApp, keyringFor } from '../app/compose.ts';
import { leaveInInbox } from '../app/audit-chainer.ts';
import type { Running } from '../app/running.ts';
import { AuditLog } from '../audit/index.ts';
import { openDatabase } from '../store/database.ts';
import { migrate, openServiceDatabase } from '../store/migrate.ts';
import { VigilError } from '../errors/index.ts';
import { runIngest } from './ingest.command.ts';
import { apiClient } from './api-client.ts';
import { readFileSync } from 'node:fs';
import type { CliIo } from './cli-io.ts';

export type { CliIo } from './cli-io.ts';

const USAGE = `usage: vigil <command> [options]

commands:
  serve                         run the HTTP API and the workbench at /, docs at /docs (PORT, VIGIL_DATA_DIR or DATABASE_URL, NATS_URL)
  worker                        assess events from JetStream (needs DATABASE_URL and NATS_URL)
  migrate                       apply database migrations
  token --authority NL --role filer --subject acme [--eori NL123456789 …] [--ttl SECONDS] [--office NL000396]
                                print a bearer token for this instance
  token revoke TOKEN | token revoke --jti ID [--reason TEXT]
                                refuse a token from now on (an admin's deny list)
  signing-keys list | signing-keys rotate | signing-keys remove KID
                                the token-signing keyring (VIGIL_KEYRING); rotate, then remove old keys
  keys create --filer F --eori E [--eori …] --expires DATE|--days N [--name T] [--role R] [--rate-limit N]
  keys list [--filer F] | keys show ID | keys rotate ID [--overlap SECONDS] | keys revoke ID [--reason T]
                                API keys for filers' systems, shown once (each with --authority X on the
                                database, or --url U --token T through a running server)
  ingest FILE [--authority NL] [--filer NAME] [--url U --token T]
                                register filings from an NDJSON file (- for stdin)
  ingest --format kcs FILE [--no-labels] [--score]
                                KCS import declarations, their labels as control results
  models import MODEL_FILE [--activate] | models list [--url U --token T]
                                versioned models in the database; the active KCS model scores imports
  models rollback | activate VERSION | show VERSION | drift [--days N] | activations [--authority X | --url U --token T]
                                the entry-summary model: back to the previous champion in one step, a
                                model made champion by hand, its card, score drift (PSI), its history
  demo --count N [--seed S] [--invalid-share F] [--out FILE | --post URL --token TOKEN]
                                generate realistic demo filings
  demo --cooperation --post URL [--count N]
                                demo RIF traffic between the demo authorities (tokens from VIGIL_KEYRING)
  demo --registers --post URL [--count N]
                                the demo's made-up registers and trade measures (an admin token from VIGIL_KEYRING)
  train --format kcs --data PATH --out MODEL_FILE [--seed N]
                                train the fraud-ranking model on KCS declarations
  train --from-db [--authority X] [--since D] [--until D] [--no-promote] [--shuffle-labels] [--json] [--url U --token T]
                                train the entry-summary model from the control results in the database;
                                promoted only if it beats the champion by VIGIL_MODEL_PROMOTION_MARGIN
  evaluate --format kcs --model MODEL_FILE --data PATH [--json]
                                precision, recall and duty share at 1/2/5/10%, AUC: a table and one JSON line
                                (only the JSON line with --json)
  simulate --format kcs --data PATH [--seed N | --seeds A,B,C] [--control-rate F] [--exploration-share F]
        [--strategy ucb|thompson|novel-importer] [--ucb-width C] [--novelty-keys K1,K2] [--json]
                                week-by-week replay where only controlled declarations reveal labels;
                                --seeds: per-seed totals, mean ± sd of exploit and explore, cumulative curve
  rules list|add RULE.json|test RULE.json --filing F.json|backtest ID --from D --to D
        |activate ID|retire ID|stats ID [--url U --token T]
                                manage and try risk rules through the API
  watchlists list | import NAME FILE [--format un-xml|eu-fsf-xml|ofac-sdn-csv|ofac-sdn-xml|csv|ndjson]
        [--aliases ALT.csv] [--replace] [--subject S] | match NAME VALUE | search NAME VALUE [--url U --token T]
                                load the UN, EU and OFAC lists (or Vigil's CSV, NDJSON) and check names, through the API
  operators import FILE [--skip-bad] [--format csv|ndjson|json] (--authority X | --url U --token T)
                                the register of operators, AEO authorisations and MRA partners, from a file
  certificates import FILE [--skip-bad] [--format csv|ndjson|json] (--authority X | --url U --token T)
                                certificates and licences, and the measures requiring one, from a file;
                                every bad record is listed with its line, and nothing loads unless --skip-bad
  ipr import FILE [--skip-bad] (--authority X | --url U --token T) | list [--brand B] [--right-holder R]
      [--goods-code C] [--status S] | show N | history N | add F.json | change N F.json | screen TEXT [--goods-code C]
                                IPR applications for action (right holders' brands, authorised operators)
  rifs list [--box inbox|issued] [--label L] | rifs show ID [--version N]
  rifs draft RIF.json | amend ID RIF.json | issue ID | withdraw ID --reason TEXT
  rifs adopt ID [--dry-run] [--no-activate] [--backtest-days N] | decide ID noted|declined [--reason TEXT]
  rifs feedback ID [--usefulness useful|not-useful [--comment TEXT] [--controls N]]
  rifs export ID [--out FILE] | import BUNDLE.json          (each with [--json] [--url U --token T])
                                risk information forms between authorities, through the API
  criteria list | show ID | publish CRITERION.json | amend ID CRITERION.json | withdraw ID --reason TEXT
  criteria figures ID [--from DAY] [--to DAY]             (each with [--json] [--url U --token T])
                                common risk criteria from the centre (coordinators publish; members apply)
  report [--from DAY --to DAY] [--format html|csv|json] [--out FILE] [--period day|week|month|quarter|year]
         [--by DIM] [--authorities A,B] [--url U --token T]
                                performance indicators over [from, to): an HTML report with charts, or CSV, JSON
  reference import KIND FILE [--skip-bad] [--authority X] | reference list KIND [--q T] [--at DAY]
  reference show KIND CODE                  (each with [--url U --token T])
                                reference data by date (hs, cn, taric, countries, currencies, package-types,
                                document-types, transport-modes, filing-types, customs-offices); an import
                                reports each malformed row and loads nothing unless --skip-bad
  audit verify [--authority X] [--anchor X=SEQ:HASH] [--checkpoints F] [--public-key F] [--url U --token T]
                                check the audit chains and their signed checkpoints; report the inbox
  audit public-key | audit checkpoint
                                print the checkpoint-signing public key | sign the chain heads now
  users add USERNAME --authority X --role R --name NAME [--office OFFICE] --password-stdin
  users list [--authority X] [--json] | users disable USERNAME
                                people's accounts for the workbench (the password on standard input)
  peers key | peers add CODE --url NATS_URL --public-key FILE [--name NAME] | peers list [--json]
  peers remove CODE
                                the other national nodes this one exchanges RIFs, feedback and shared records
                                with over NATS JetStream (VIGIL_FEDERATION_AUTHORITY; docs/federation.md)
  retention purge [--dry-run] [--authority X] [--json]
                                pseudonymise, reduce or delete what outlived its retention period
  conformance --url URL --key KEY [--junit FILE] [--adapter CMD] [--only NAME,...] [--eori EORI]
              [--callback-host HOST] [--wait SECONDS] | conformance --list
                                run the filers' conformance scenarios against a Vigil endpoint (as the filer
                                whose key is given, or through the filer's adapter); JUnit XML with --junit
`;

class UsageError extends Error {}

function fail(message: string): never {
  throw new UsageError(message);
}

async function token(config: VigilConfig, args: string[], io: CliIo): Promise<number> {
  if (args[0] === 'revoke') {
    const { runTokenRevoke } = await import('./signing-keys.command.ts');
    return runTokenRevoke(config, args.slice(1), io);
  }
  const { values } = parseArgs({
    args,
    options: {
      authority: { type: 'string' },
      role: { type: 'string' },
      subject: { type: 'string' },
      ttl: { type: 'string' },
      office: { type: 'string' },
      eori: { type: 'string', multiple: true },
    },
  });
  const authority = values.authority ?? fail('token needs --authority (e.g. NL)');
  const role = values.role ?? fail(`token needs --role (${ROLES.join(', ')})`);
  if (!ROLES.includes(role as Role)) {
    fail(`unknown role '${role}'; roles: ${ROLES.join(', ')}`);
  }
  const subject = values.subject ?? fail('token needs --subject (who the token is for)');
  const ttl = values.ttl !== undefined ? Number(values.ttl) : config.tokenTtlSeconds;
  if (!Number.isInteger(ttl) || ttl < 60 || ttl > MAX_TTL_SECONDS) {
    fail(`--ttl is a whole number of seconds, from 60 to ${MAX_TTL_SECONDS} (7 days)`);
  }
  // The keys are in the keyring file, so this works while the embedded server holds the database.
  const db =
    config.databaseUrl !== undefined
      ? await openServiceDatabase({
          url: config.databaseUrl,
          ownerUrl: config.migrationDatabaseUrl,
          poolSize: 1,
        })
      : undefined;
  try {
    const tokens = new TokenService(keyringFor(config));
    const issued = await tokens.issue({
      authority,
      role: role as Role,
      subject,
      ttlSeconds: ttl,
      ...(values.office !== undefined ? { office: values.office.toUpperCase() } : {}),
      ...(values.eori !== undefined ? { eoris: values.eori.map((e) => e.toUpperCase()) } : {}),
    });
    // Issuing a token is audited; the embedded instance's server takes the entry in from its inbox.
    const event = {
      authority,
      actor: `cli:${io.env['USER'] ?? 'unknown'}`,
      action: 'token.issued' as const,
      subject: `${role}:${subject}`,
      at: new Date(),
      // The token's id is what an admin revokes it by (vigil token revoke --jti).
      details: { role, subject, ttlSeconds: ttl, jti: tokenId(issued), eoris: values.eori ?? null },
    };
    if (db !== undefined) {
      await new AuditLog().stage(db, [event]);
    } else {
      leaveInInbox(config.dataDir, event);
    }
    io.stdout.write(`${issued}\n`);
    return 0;
  } finally {
    await db?.close();
  }
}

/**
 * Runs one command: a finished command returns its exit code; `serve` and `worker` return what runs,
 * for main.ts to stop on a signal.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number | Running> {
  const [command, ...rest] = argv;
  const say = (line: string): void => void io.stderr.write(`${line}\n`);
  try {
    const config = loadConfig(io.env);
    switch (command) {
      case 'serve': {
        // Loaded on demand: only `serve` needs the HTTP server (and Fastify).
        const { startServe } = await import('../app/serve.ts');
        const serving = await startServe(config, say);
        // Where to reach it, and what it listens on (every interface unless HOST says otherwise).
        const listening = config.host === '0.0.0.0' || config.host === '::' ? 'every interface' : config.host;
        say(
          `Vigil is serving on ${serving.address} (API docs at /docs; listening on ${listening}, port ${new URL(serving.address).port})`,
        );
        say(
          `  storage: ${config.databaseUrl !== undefined ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`}`,
        );
        say(
          `  a token for the demo authority: npx vigil token --authority ${config.demoAuthority} --role filer --subject demo`,
        );
        return serving;
      }
      case 'worker': {
        const { startWorker } = await import('../app/worker.ts');
        const running = await startWorker(config, say);
        say(`vigil worker: consuming ${config.natsStream} with ${config.workerConcurrency} in flight`);
        return running;
      }
      case 'migrate': {
        // As the schema's owner (VIGIL_MIGRATION_DATABASE_URL when serve runs as another login).
        const db = await openDatabase({
          url: config.migrationDatabaseUrl ?? config.databaseUrl,
          dataDir: config.dataDir,
        });
        const applied = await migrate(db);
        await db.close();
        io.stderr.write(
          applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n',
        );
        return 0;
      }
      case 'token':
        return await token(config, rest, io);
      case 'signing-keys': {
        const { runSigningKeys } = await import('./signing-keys.command.ts');
        return await runSigningKeys(config, rest, io);
      }
      case 'keys': {
        const { apiKeysCommand } = await import('./api-keys.command.ts');
        return await apiKeysCommand(config, rest, io);
      }
      case 'ingest':
        return await runIngest(config, rest, io);
      case 'models': {
        if (['rollback', 'activate', 'show', 'drift', 'activations'].includes(rest[0] ?? '')) {
          const { ensModelsCommand } = await import('./ens-model.command.ts');
          return await ensModelsCommand(config, rest[0]!, rest.slice(1), io);
        }
        const { values, positionals } = parseArgs({
          args: rest,
          allowPositionals: true,
          options: {
            authority: { type: 'string', default: config.demoAuthority },
            activate: { type: 'boolean', default: false },
            json: { type: 'boolean', default: false },
            url: { type: 'string' },
            token: { type: 'string' },
          },
        });
        const [sub, file] = positionals;
        if (!((sub === 'import' && file !== undefined) || sub === 'list')) {
          throw new UsageError(
            'usage: vigil models import MODEL_FILE [--activate] [--authority X] | vigil models list [--json] [--url U --token T]',
          );
        }
        if (values.url !== undefined) {
          // Through a running server (the embedded database admits one process).
          const api = apiClient(values.url, values.token ?? io.env['VIGIL_TOKEN']);
          const r =
            sub === 'import'
              ? await api('POST', `/models?activate=${String(values.activate)}`, readFileSync(file!, 'utf8'))
              : await api('GET', '/models');
          io.stdout.write(`${JSON.stringify(r.json)}\n`);
          return r.status < 400 ? 0 : 1;
        }
        const { runModelImport, runModelList } = await import('./models.command.ts');
        const deps = await composeApp(config);
        try {
          if (sub === 'import') {
            await runModelImport(
              deps,
              { file: file!, authority: values.authority, activate: values.activate },
              io,
            );
          } else {
            await runModelList(deps, { authority: values.authority, json: values.json }, io);
          }
        } finally {
          await deps.db.close();
        }
        return 0;
      }
      case 'rules': {
        const { rulesCommand } = await import('./rules.command.ts');
        return await rulesCommand(config, rest, io);
      }
      case 'reference': {
        const { referenceCommand } = await import('./reference.command.ts');
        return await referenceCommand(config, rest, io);
      }
      case 'watchlists': {
        const { watchlistsCommand } = await import('./watchlists.command.ts');
        return await watchlistsCommand(config, rest, io);
      }
      case 'operators':
      case 'certificates': {
        const { registryCommand } = await import('./registry.command.ts');
        return await registryCommand(config, command, rest, io);
      }
      case 'ipr': {
        const { iprCommand } = await import('./ipr.command.ts');
        return await iprCommand(config, rest, io);
      }
      case 'rifs': {
        const { rifsCommand } = await import('./rifs.command.ts');
        return await rifsCommand(config, rest, io);
      }
      case 'criteria': {
        const { criteriaCommand } = await import('./criteria.command.ts');
        return await criteriaCommand(config, rest, io);
      }
      case 'report': {
        // Loaded on demand: only `report` needs the HTML renderer (and ECharts).
        const { reportCommand } = await import('./report.command.ts');
        return await reportCommand(config, rest, io);
      }
      case 'train':
      case 'evaluate':
      case 'simulate': {
        if (command === 'train' && rest.includes('--from-db')) {
          // The entry-summary model, from the control results in the database.
          const { ensTrainCommand } = await import('./ens-model.command.ts');
          return await ensTrainCommand(config, rest, io);
        }
        const { modelCommand } = await import('./model.command.ts');
        return await modelCommand(command, rest, io);
      }
      case 'audit': {
        // verify (chain, signed checkpoints, inbox), public-key, checkpoint: src/cli/audit-verify.command.ts.
        const { runAuditCommand } = await import('./audit-verify.command.ts');
        return await runAuditCommand(config, rest, io);
      }
      case 'retention':
        return await (await import('./retention.command.ts')).retentionCommand(config, rest, io);
      case 'users':
        return await (await import('./users.command.ts')).usersCommand(config, rest, io);
      case 'peers':
        return await (await import('./peers.command.ts')).peersCommand(config, rest, io);
      case 'conformance': {
        const { conformanceCommand } = await import('./conformance.command.ts');
        return await conformanceCommand(rest, io);
      }
      case 'demo': {
        const { demoCommand } = await import('./demo.command.ts');
        return await demoCommand(config, rest, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr.write(`vigil: unknown command '${command}'\n\n${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError || err instanceof VigilError) {
      io.stderr.write(`vigil ${command ?? ''}: ${err.message}\n`);
      return 2;
    }
    if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      io.stderr.write(`vigil ${command ?? ''}: ${err.message}\n`);
      return 2;
    }
    // Anything else ends the command with one line saying what went wrong, not a stack trace;
    // VIGIL_DEBUG=1 shows the stack for a bug report.
    if (io.env['VIGIL_DEBUG'] === '1') {
      throw err;
    }
    io.stderr.write(`vigil ${command ?? ''}: ${oneLine(err)}\n`);
    return 1;
  }
}

/** An error in one line: its message, and the cause a network error hides behind "fetch failed". */
export function oneLine(err: unknown): string {
  if (!(err instanceof Error)) {
    return String(err);
  }
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const hint =
    (err.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED'
      ? ' (is the server running? pass --url)'
      : '';
  return `${err.message}${cause}${hint}`.replace(/\s*\n\s*/g, ' ');
}
