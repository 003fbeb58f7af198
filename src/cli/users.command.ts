/**
 * `vigil users add USERNAME --authority X --role R --name "Full Name" [--office OFFICE] --password-stdin`,
 * `vigil users list [--authority X] [--json]`, `vigil users disable USERNAME`: people's accounts for
 * the workbench, on the configured database. The password is read from standard input (first line),
 * never from the command line, where other users of the machine could see it.
 */
import { parseArgs } from 'node:util';
import { AuditLog } from '../audit/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { systemClock } from '../domain/index.ts';
import { PeopleRepository, PeopleService } from '../people/index.ts';
import type { UserView } from '../people/index.ts';
import { openDatabase } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import { migrate } from '../store/migrate.ts';
import type { CliIo } from './cli-io.ts';

const USAGE = `usage: vigil users add USERNAME --authority X --role R --name NAME [--office OFFICE] --password-stdin
       vigil users list [--authority X] [--json]
       vigil users disable USERNAME`;

export interface UsersCommandOptions {
  /** A database already open (tests); default the configured one. */
  readonly db?: Database | undefined;
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += String(chunk);
    if (text.includes('\n')) {
      break;
    }
  }
  return text.split(/\r?\n/)[0] ?? '';
}

function describe(u: UserView): string {
  const state = u.disabled
    ? 'disabled'
    : u.lockedUntil !== undefined
      ? `locked until ${u.lockedUntil}`
      : 'active';
  return `${u.username}\t${u.authority}\t${u.role}${u.office !== undefined ? `@${u.office}` : ''}\t${state}\t${u.displayName}`;
}

export async function usersCommand(
  config: VigilConfig,
  args: readonly string[],
  io: CliIo,
  options: UsersCommandOptions = {},
): Promise<number> {
  const [action, ...rest] = args;
  if (action !== 'add' && action !== 'list' && action !== 'disable') {
    io.stderr.write(`vigil users: ${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      authority: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      office: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if ((action === 'add' || action === 'disable') && positionals.length !== 1) {
    io.stderr.write(`vigil users ${action}: name one USERNAME\n${USAGE}\n`);
    return 2;
  }
  if (action === 'add' && !values['password-stdin']) {
    io.stderr.write('vigil users add: give the password on standard input with --password-stdin\n');
    return 2;
  }
  const password = action === 'add' ? await firstLine(io.stdin) : '';
  const db = options.db ?? (await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir }));
  try {
    if (options.db === undefined) {
      await migrate(db);
    }
    const people = new PeopleService({
      db,
      repo: new PeopleRepository(),
      clock: systemClock,
      config: config.sessions,
      audit: new AuditLog({ clock: systemClock }),
    });
    if (action === 'add') {
      const user = await people.add(
        {
          username: positionals[0],
          authority: values.authority,
          role: values.role,
          displayName: values.name,
          ...(values.office !== undefined ? { office: values.office } : {}),
          password,
        },
        'admin:cli',
      );
      io.stdout.write(`added ${describe(user)}\n`);
    } else if (action === 'disable') {
      io.stdout.write(`disabled ${describe(await people.disable(positionals[0]!, 'admin:cli'))}\n`);
    } else {
      const users = await people.list(values.authority);
      for (const u of users) {
        io.stdout.write(`${values.json ? JSON.stringify(u) : describe(u)}\n`);
      }
    }
    return 0;
  } finally {
    if (options.db === undefined) {
      await db.close();
    }
  }
}
