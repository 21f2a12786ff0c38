/**
 * npm run demo: seeds a populated proposal and prints where to open it and the
 * logins. Safe while the server runs and safe to repeat:
 * - a server holding the PGlite data dir (DATA_DIR, default ./data) announces its
 *   address in the dir's lock; the demo seeds THROUGH that server (HTTP API and a
 *   stock y-websocket client), never opening the data dir itself;
 * - with DATABASE_URL, a server answering on PORT is used the same way;
 * - otherwise the demo runs the server code in-process for the time it takes;
 * - a data dir held by a process that serves nothing (a server still starting
 *   after a minute, another tool) is refused with a message naming it.
 * Every step looks first, so a second run finds the demo and duplicates nothing.
 */
import { configFromProcess, type Config } from '../server/config';
import { dataDirHolder, DataDirBusyError } from '../server/db/data-dir-lock';
import { migrate } from '../server/db/migrate';
import { ensurePGliteImage, pgliteImagePath } from '../server/db/pglite-image';
import { openPGliteDataDir, openPostgres, type Sql } from '../server/db/sql';
import { startServer } from '../server/server';
import { PASSWORD, partnerInputs, users } from './demo-data';
import { seedDemo, type SeedResult } from './demo-seed';

/** Where to seed: a server that is running already, or one of our own in this process. */
type Target = { kind: 'running'; url: string; origin: string; pid: number | null } | { kind: 'own' };

class Refusal extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    // The public /healthz says only {"ok":true} (SEC25): it names no backend.
    return res.ok && ((await res.json()) as { ok?: unknown }).ok === true;
  } catch {
    return false;
  }
}

/** The address the server in `config` accepts as Origin (server.ts: PUBLIC_ORIGIN, else localhost:PORT). */
const originFor = (config: Config) => config.publicOrigin ?? `http://localhost:${config.port}`;

async function findTarget(config: Config): Promise<Target> {
  if (config.databaseUrl) {
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
    return (await answers(url)) ? { kind: 'running', url, origin: originFor(config), pid: null } : { kind: 'own' };
  }
  // A server that is starting holds the lock before it listens: wait for its address,
  // up to a minute after it took the lock (initdb can take a while on a slow machine).
  const until = Date.now() + 60_000;
  const startedLongAgo = (startedAt: string) => Date.now() > Date.parse(startedAt) + 60_000;
  for (let said = false; ; said = true) {
    const holder = dataDirHolder(config.dataDir);
    if (!holder) return { kind: 'own' };
    if (holder.url && holder.origin && (await answers(holder.url))) return { kind: 'running', url: holder.url, origin: holder.origin, pid: holder.pid };
    if (Date.now() > until || startedLongAgo(holder.startedAt)) {
      throw new Refusal(
        `The database in ${config.dataDir} is held by process ${holder.pid} (since ${holder.startedAt}), which serves no Twinpad the demo can reach. ` +
          'PGlite allows one process per data dir, so the demo will not open it: let that process finish or stop it, then run `npm run demo` again.',
      );
    }
    if (!said) console.log(`Waiting for process ${holder.pid}, which holds ${config.dataDir}, to start serving...`);
    await sleep(250);
  }
}

/** Runs the seeding against our own server in this process, on the configured database. */
async function seedInProcess(config: Config, today: Date): Promise<SeedResult> {
  let db: Sql;
  if (config.databaseUrl) {
    db = await openPostgres(config.databaseUrl);
  } else {
    let image: string | null = pgliteImagePath();
    try {
      await ensurePGliteImage(image);
    } catch {
      image = null;
    }
    db = (await openPGliteDataDir(config.dataDir, { image })).sql;
  }
  try {
    await migrate(db);
    const server = await startServer({ ...config, port: 0, logLevel: 'error' }, { db });
    try {
      return await seedDemo(server.url, today);
    } finally {
      await server.close();
    }
  } finally {
    await db.close();
  }
}

function printLogins(result: SeedResult, origin: string, running: boolean): void {
  const { proposal, changes } = result;
  console.log(
    changes.length === 0
      ? `The demo proposal “${proposal.title}” is complete already; nothing was changed.`
      : `Seeded “${proposal.title}”: ${proposal.partners.length} partners, ${proposal.members.length} people, ${proposal.sections.length} sections (added: ${changes.length > 4 ? `${changes.slice(0, 4).join(', ')} and ${changes.length - 4} more` : changes.join(', ')}).`,
  );
  console.log(`Password for every demo account: ${PASSWORD}`);
  for (const u of users) {
    const partner = partnerInputs[u.partner];
    console.log(`  ${u.email.padEnd(24)} ${u.name.padEnd(17)} ${u.role.padEnd(12)} ${partner.name} (${partner.country})`);
  }
  if (!running) console.log('Start the app with `npm start`, then:');
  console.log(`Open ${origin}/proposals/${proposal.id}`);
}

async function main(): Promise<void> {
  const config = configFromProcess();
  const today = new Date();
  const target = await findTarget(config);
  switch (target.kind) {
    case 'running': {
      console.log(`Seeding through the Twinpad server at ${target.url}${target.pid === null ? '' : ` (process ${target.pid})`}.`);
      printLogins(await seedDemo(target.url, today), target.origin, true);
      return;
    }
    case 'own': {
      printLogins(await seedInProcess(config, today), originFor(config), false);
      return;
    }
    default: {
      const never: never = target;
      throw new Error(`unknown target ${JSON.stringify(never)}`);
    }
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof Refusal || err instanceof DataDirBusyError) {
      console.error(`npm run demo: ${err.message}`);
    } else {
      console.error(err);
    }
    process.exit(1);
  },
);
