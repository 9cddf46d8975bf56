import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway PostgreSQL server started by `startTestPostgres`. */
export interface TestPostgres {
  /** Connection URL (unix socket in a temp directory, trust auth, database `postgres`). */
  readonly url: string;
  /** The temp directory holding the data directory, the socket and the server log. */
  readonly directory: string;
  /** Stops the server (immediate shutdown) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** Options of `startTestPostgres`. */
export interface TestPostgresOptions {
  /** Keep `fsync` on (default off: tests need no durability; benchmarks do). */
  readonly fsync?: boolean;
}

/**
 * Where the PostgreSQL server binaries are: `$STEPFLOW_PG_BINDIR`, then the newest
 * `/usr/lib/postgresql/<version>/bin` (Debian), then `pg_config --bindir`; `undefined` if none.
 */
export function findPostgresBinaries(): string | undefined {
  const candidates: string[] = [];
  if (process.env.STEPFLOW_PG_BINDIR) candidates.push(process.env.STEPFLOW_PG_BINDIR);
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).filter((v) => /^\d+$/.test(v));
    versions.sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(debian, v, 'bin')));
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0) candidates.push(pgConfig.stdout.trim());
  return candidates.find(
    (dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')),
  );
}

/** Why `startTestPostgres` cannot work here, or `undefined` when it can. */
export function testPostgresUnavailableReason(): string | undefined {
  if (!findPostgresBinaries()) {
    return (
      'no PostgreSQL server binaries (initdb, pg_ctl) found: install them (Debian: ' +
      'apt-get install postgresql) or set STEPFLOW_PG_BINDIR'
    );
  }
  if (process.getuid?.() === 0 && serverUser() === undefined) {
    return 'running as root and no unprivileged user (postgres, nobody) to run the server as';
  }
  return undefined;
}

/** PostgreSQL refuses to run as root: as root, the server runs as `postgres` (or `nobody`). */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) {
      return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  return undefined;
}

function run(binary: string, args: string[], user: string | undefined): void {
  const [command, commandArgs] = user
    ? ['runuser', ['-u', user, '--', binary, ...args]]
    : [binary, args];
  execFileSync(command, commandArgs, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

const running = new Set<() => void>();
let exitHookInstalled = false;

/**
 * Starts a private PostgreSQL server for tests: `initdb` into a temp directory, `pg_ctl start`
 * listening only on a unix socket there, trust authentication. As root it runs the server as the
 * `postgres` user (PostgreSQL refuses root). `stop()` shuts it down and deletes the directory;
 * a process exit does the same for servers not stopped yet. Throws when
 * `testPostgresUnavailableReason()` names a reason.
 */
export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const reason = testPostgresUnavailableReason();
  if (reason) throw new Error(`Cannot start a test PostgreSQL: ${reason}`);
  const bin = findPostgresBinaries()!;
  const user = process.getuid?.() === 0 ? serverUser() : undefined;
  const directory = mkdtempSync(join(tmpdir(), 'sf-pg-'));
  const data = join(directory, 'data');
  if (user) chownSync(directory, user.uid, user.gid);
  let started = false;
  const stopNow = (): void => {
    running.delete(stopNow);
    if (started) {
      started = false;
      spawnSync(
        user ? 'runuser' : join(bin, 'pg_ctl'),
        [
          ...(user ? ['-u', user.name, '--', join(bin, 'pg_ctl')] : []),
          'stop',
          '-D',
          data,
          '-m',
          'immediate',
          '-w',
        ],
        { stdio: 'ignore', timeout: 30_000 },
      );
    }
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'stepflow', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      user?.name,
    );
    const settings = [
      `-c listen_addresses=''`,
      `-c unix_socket_directories='${directory}'`,
      '-c max_connections=200',
      ...(options.fsync
        ? []
        : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
    ].join(' ');
    started = true;
    run(
      join(bin, 'pg_ctl'),
      ['start', '-D', data, '-w', '-t', '60', '-l', join(directory, 'server.log'), '-o', settings],
      user?.name,
    );
  } catch (error) {
    const log = join(directory, 'server.log');
    const detail = existsSync(log)
      ? spawnSync('tail', ['-n', '20', log], { encoding: 'utf8' }).stdout
      : '';
    stopNow();
    throw new Error(`Could not start a test PostgreSQL from ${bin}: ${String(error)}\n${detail}`, {
      cause: error,
    });
  }
  running.add(stopNow);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const stop of [...running]) stop();
    });
  }
  return {
    url: `postgres://stepflow@localhost/postgres?host=${encodeURIComponent(directory)}`,
    directory,
    stop: async () => stopNow(),
  };
}
