import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, dataDirHolder, DataDirBusyError, LOCK_FILE, type DataDirHolder } from '../../server/db/data-dir-lock';

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const lockOf = (pid: number, over: Partial<DataDirHolder> = {}): DataDirHolder => ({
  pid,
  token: 'feedfacefeedface',
  procStart: null,
  startedAt: new Date().toISOString(),
  url: null,
  origin: null,
  ...over,
});

describe('the PGlite data-dir lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twinpad-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('WSH14 a second opener is refused while the holder lives, and may open once it released', () => {
    const first = acquireDataDirLock(dir);
    expect(dataDirHolder(dir)?.pid).toBe(process.pid);
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirBusyError);
    expect(() => acquireDataDirLock(dir)).toThrow(`in use by process ${process.pid}`);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    expect(dataDirHolder(dir)).toBeNull();
    acquireDataDirLock(dir).release();
  });

  it('WSH14 a lock held by another live process refuses; its address is announced for the demo', () => {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lockOf(process.ppid)));
    expect(() => acquireDataDirLock(dir)).toThrow(DataDirBusyError);
    rmSync(join(dir, LOCK_FILE));
    const lock = acquireDataDirLock(dir);
    lock.announce({ url: 'http://127.0.0.1:4567', origin: 'http://localhost:4567' });
    expect(dataDirHolder(dir)).toMatchObject({ pid: process.pid, url: 'http://127.0.0.1:4567', origin: 'http://localhost:4567' });
    lock.release();
  });

  it('WSH14 a stale lock is taken over: its process is gone, its pid was reused, or it is garbage', () => {
    for (const stale of [
      JSON.stringify(lockOf(deadPid())),
      // Same pid as a live process (a container's pid 1 after a restart), another start time.
      JSON.stringify(lockOf(process.pid, { procStart: '1' })),
      '{"pid": 12',
    ]) {
      writeFileSync(join(dir, LOCK_FILE), stale);
      expect(dataDirHolder(dir)).toBeNull();
      const lock = acquireDataDirLock(dir);
      expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, token: lock.holder.token });
      lock.release();
    }
  });

  it('WSH14 release removes only its own lock', () => {
    const lock = acquireDataDirLock(dir);
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(lockOf(process.ppid)));
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
  });
});
