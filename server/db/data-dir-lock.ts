import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One process at a time in a PGlite data dir. PGlite is Postgres in one process:
 * two processes on one data dir each keep their own buffers and WAL, and the
 * cluster ends up broken (sign-ins failing on a duplicate session key). So the
 * opener writes `twinpad.lock` (O_EXCL) with its pid, and a second opener refuses
 * while that pid lives. A lock whose process is gone (kill -9, a crash, a reused
 * pid after a container restart) is stale and taken over.
 */
export const LOCK_FILE = 'twinpad.lock';

export interface DataDirHolder {
  pid: number;
  /** This lock's own id, so only its writer rewrites or removes it. */
  token: string;
  /** The holder's start time from /proc (Linux), to tell a reused pid from the holder. */
  procStart: string | null;
  startedAt: string;
  /** Where the holder serves Twinpad once it listens (null while it starts, or for a tool). */
  url: string | null;
  /** The Origin that server accepts, the address to open in a browser. */
  origin: string | null;
}

/** Another live process holds the data dir. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: DataDirHolder,
  ) {
    super(
      `The database in ${dataDir} is in use by process ${holder.pid} (since ${holder.startedAt}${holder.url ? `, serving ${holder.url}` : ''}). ` +
        'PGlite allows one process per data dir: stop that process first, or use another DATA_DIR.',
    );
    this.name = 'DataDirBusyError';
  }
}

export interface DataDirLock {
  readonly holder: DataDirHolder;
  /** Records where this process serves Twinpad, for `npm run demo` and other tools. */
  announce(where: { url: string; origin: string }): void;
  /** Removes the lock if it is still ours (idempotent). */
  release(): void;
}

function procStartOf(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the parenthesised command name.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: DataDirHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.procStart === null) return true;
  const now = procStartOf(holder.pid);
  return now === null || now === holder.procStart;
}

function readHolder(path: string): DataDirHolder | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const v = JSON.parse(text) as Partial<DataDirHolder>;
    if (typeof v.pid !== 'number' || typeof v.token !== 'string') return null;
    return {
      pid: v.pid,
      token: v.token,
      procStart: typeof v.procStart === 'string' ? v.procStart : null,
      startedAt: typeof v.startedAt === 'string' ? v.startedAt : '?',
      url: typeof v.url === 'string' ? v.url : null,
      origin: typeof v.origin === 'string' ? v.origin : null,
    };
  } catch {
    // Half-written by a holder that is writing it right now, or garbage: treated as absent.
    return null;
  }
}

/** The live process holding `dataDir`, or null (no lock, or a stale one). */
export function dataDirHolder(dataDir: string): DataDirHolder | null {
  const holder = readHolder(join(dataDir, LOCK_FILE));
  return holder && isAlive(holder) ? holder : null;
}

/**
 * Moves a stale lock out of the way. If another opener replaced it meanwhile, the
 * file moved is not the stale one: it goes back, and the caller tries again.
 */
function takeAside(path: string, stale: DataDirHolder | null, token: string): void {
  const aside = `${path}.stale-${token}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  if (moved && moved.token !== stale?.token) {
    try {
      linkSync(aside, path);
    } catch {
      /* someone else holds it now: the caller sees that */
    }
  }
  rmSync(aside, { force: true });
}

/** Takes the data dir for this process; throws DataDirBusyError while a live process holds it. The dir must exist. */
export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  const holder: DataDirHolder = {
    pid: process.pid,
    token: randomBytes(8).toString('hex'),
    procStart: procStartOf(process.pid),
    startedAt: new Date().toISOString(),
    url: null,
    origin: null,
  };
  // Written whole to a file of our own, then linked into place: the link either
  // fails (EEXIST) or creates a complete lock, so no reader sees half of one.
  const mine = `${path}.${holder.token}`;
  writeFileSync(mine, JSON.stringify(holder));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(mine, path);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw err;
      }
      const other = readHolder(path);
      if (other && isAlive(other)) throw new DataDirBusyError(dataDir, other);
      takeAside(path, other, holder.token);
    }
  } finally {
    rmSync(mine, { force: true });
  }
  const ours = () => readHolder(path)?.token === holder.token;
  return {
    holder,
    announce(where) {
      if (!ours()) return;
      const next = { ...holder, ...where };
      const tmp = `${path}.${holder.token}`;
      writeFileSync(tmp, JSON.stringify(next));
      renameSync(tmp, path);
      Object.assign(holder, where);
    },
    release() {
      if (ours()) rmSync(path, { force: true });
    },
  };
}
