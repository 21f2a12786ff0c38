import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { closeCode } from '../../shared/protocol';
import { openPostgres } from '../../server/db/sql';
import { buildWorld, type CollabWorld } from '../helpers/factories';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from '../helpers/yclient';

/**
 * COL9 and COL11 against a real server process: kill -9 while clients type,
 * restart, and check nothing the observer saw is lost; then SIGTERM.
 * Runs on PGlite (a temp DATA_DIR) or, when the suite runs on Postgres, on a
 * fresh database of its own.
 */
interface Proc {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

let env: Record<string, string>;
let cleanup: () => Promise<void> = async () => {};
const backend = inject('databaseUrl') ? 'postgres' : 'pglite';

async function startProcess(): Promise<Proc> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[^\s]+)/.exec(out);
      if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
    });
    child.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${out}`)));
  });
  return { child, url, exited };
}

beforeAll(async () => {
  const base = { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', STATIC_DIR: './dist' };
  const url = inject('databaseUrl');
  if (url) {
    const name = `tp_crash_${randomBytes(5).toString('hex')}`;
    const admin = await openPostgres(url, { max: 1 });
    await admin.exec(`create database ${name}`);
    await admin.close();
    const dbUrl = new URL(url);
    dbUrl.pathname = `/${name}`;
    env = { ...base, DATABASE_URL: dbUrl.toString() };
    cleanup = async () => {
      const a = await openPostgres(url, { max: 1 });
      await a.exec(`drop database if exists ${name} with (force)`);
      await a.close();
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'twinpad-crash-'));
    env = { ...base, DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  await cleanup();
});

describe(`crash recovery (${backend})`, () => {
  let world: CollabWorld;
  let seen = '';

  it(`COL9: kill -9 during typing loses nothing any client saw (${backend})`, async () => {
    const a = await startProcess();
    const clients: StockClient[] = [];
    try {
      world = await buildWorld(a);
      const section = world.sectionIds[0]!;
      const typists = [0, 1, 2].map(() => stockClient(a.url, section, world.coordinator));
      const observer = stockClient(a.url, section, world.reviewer);
      clients.push(...typists, observer);
      await waitFor(() => clients.every((c) => c.provider.synced), 10_000, 'all synced');
      let n = 0;
      const typing = setInterval(() => {
        typists.forEach((t, i) => typeParagraph(t, `typist${i}-line${n}`));
        n++;
      }, 5);
      try {
        await waitFor(() => observer.text.length >= 90, 20_000, 'observer saw 90 paragraphs');
      } finally {
        clearInterval(typing);
      }
      seen = fragmentText(observer.doc);
      a.child.kill('SIGKILL');
      await a.exited;
    } finally {
      for (const c of clients) c.destroy();
      a.child.kill('SIGKILL');
    }
    const b = await startProcess();
    try {
      const fresh = stockClient(b.url, world.sectionIds[0]!, world.coordinator);
      try {
        await waitFor(() => fresh.provider.synced, 10_000, 'fresh client synced');
        const text = fragmentText(fresh.doc);
        const lines = [...seen.matchAll(/typist\d-line\d+/g)].map((m) => m[0]);
        expect(lines.length).toBeGreaterThanOrEqual(90);
        const missing = lines.filter((l) => !text.includes(`>${l}<`));
        expect(missing).toEqual([]);
      } finally {
        fresh.destroy();
      }
    } finally {
      b.child.kill('SIGKILL');
      await b.exited;
    }
  });

  it(`COL11: SIGTERM flushes every room and closes sockets with 1001 (${backend})`, async () => {
    const c = await startProcess();
    const writer = stockClient(c.url, world.sectionIds[1]!, world.coordinator);
    const watcher = stockClient(c.url, world.sectionIds[1]!, world.reviewer);
    try {
      await waitFor(() => writer.provider.synced && watcher.provider.synced, 10_000);
      for (let i = 0; i < 20; i++) typeParagraph(writer, `before-sigterm-${i}`);
      // Once the watcher has them they were committed; SIGTERM then must close cleanly with 1001.
      await waitFor(() => watcher.text.length === 20, 10_000, 'watcher saw 20');
      c.child.kill('SIGTERM');
      await waitFor(() => writer.closes.some((x) => x.code === closeCode.goingAway), 10_000, '1001');
      expect(await c.exited).toBe(0);
      await waitFor(() => watcher.closes.some((x) => x.code === closeCode.goingAway), 10_000, '1001 for every socket');
    } finally {
      writer.destroy();
      watcher.destroy();
      c.child.kill('SIGKILL');
    }
    const d = await startProcess();
    try {
      const fresh = stockClient(d.url, world.sectionIds[1]!, world.coordinator);
      try {
        await waitFor(() => fresh.provider.synced, 10_000);
        for (let i = 0; i < 20; i++) expect(fragmentText(fresh.doc)).toContain(`before-sigterm-${i}<`);
      } finally {
        fresh.destroy();
      }
    } finally {
      d.child.kill('SIGKILL');
      await d.exited;
    }
  });
});
