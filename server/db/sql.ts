import { constants as fsConstants, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import postgres from 'postgres';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import { byteaToHex, hexToBytea, sqlLiteral, sqlType, type ParamType } from './sql-literals';

export type { ParamType } from './sql-literals';

/** A row as both drivers return it: column name to value. */
export type Row = Record<string, unknown>;

/**
 * The one small database interface the rest of the server sees. Two
 * implementations: postgres.js (DATABASE_URL) and embedded PGlite (DATA_DIR).
 * Both return int8 as number, bytea as Uint8Array (postgres.js: Buffer, a subclass),
 * timestamptz as Date and json(b) parsed.
 */
export interface Sql {
  readonly backend: 'postgres' | 'pglite';
  /** One parameterised statement (`$1`, `$2`, ...). */
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
  /**
   * ONE statement without parameters over the simple protocol, returning its rows:
   * PGlite's `exec`, one query message instead of `query`'s parse/describe/bind/
   * describe/execute (the group commit's hot path). Every value in `text` must be a
   * checked literal (sql-literals.ts).
   */
  queryText<T extends Row = Row>(text: string): Promise<T[]>;
  /**
   * A hot-path statement, prepared once per connection and then executed by name:
   * no parse or plan per call. postgres.js prepares every statement already; PGlite
   * runs `EXECUTE name(literals)` through its public `exec` (see PGliteSql).
   */
  execute<T extends Row = Row>(stmt: PreparedStatement, params: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction; nested calls join the outer one. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const int8ToNumber = (v: string) => Number(v);

export interface PreparedStatement {
  /** Unique per statement, a plain identifier. */
  readonly name: string;
  /** The statement with `$1`, `$2`, ... */
  readonly text: string;
  readonly types: readonly ParamType[];
}

// ---------------------------------------------------------------- PGlite

/**
 * What the PGlite backend uses of PGlite: its public API only (`query`, `exec`,
 * `transaction`), each taking PGlite's own locks. No private member, no raw
 * protocol message: an upgrade of PGlite cannot silently break it (PGL1).
 */
type PGliteLike = Pick<PGlite, 'query' | 'exec'>;

class PGliteSql implements Sql {
  readonly backend = 'pglite' as const;
  /** Statements prepared (or being prepared, first in PGlite's queue) in this database's one session, by name. */
  private readonly prepared = new Set<string>();
  constructor(
    private readonly db: PGliteLike,
    private readonly owner: PGlite | null,
    /** The data dir's lock, released when this database closes. */
    private readonly lock: DataDirLock | null = null,
  ) {}

  async query<T extends Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const result = await this.db.query<T>(text, params as unknown[]);
    return result.rows;
  }

  async exec(text: string): Promise<void> {
    await this.db.exec(text);
  }

  async queryText<T extends Row>(text: string): Promise<T[]> {
    const results = await this.db.exec(text);
    return (results.at(-1)?.rows ?? []) as T[];
  }

  /**
   * Outside a transaction, `EXECUTE name(literals)` through `exec`: the statement is
   * parsed and planned once per session (`PREPARE`, sent with the first call in the
   * same query message), then each call is one simple query, where `query` parses,
   * plans and binds the statement again every time (the one-row log append: 0.09
   * against 0.42 ms at p50, bench/pglite.ts). Calls queue in PGlite in the order they
   * are made. Inside a transaction, the plain `query` (PGL5).
   */
  async execute<T extends Row>(stmt: PreparedStatement, params: readonly unknown[]): Promise<T[]> {
    if (!this.owner) return this.query<T>(stmt.text, params);
    const call = `execute ${stmt.name}(${stmt.types.map((type, i) => sqlLiteral(type, params[i])).join(', ')})`;
    if (this.prepared.has(stmt.name)) return this.queryText<T>(call);
    if (!/^[a-z_][a-z0-9_]*$/.test(stmt.name)) throw new Error(`not a statement name: ${stmt.name}`);
    this.prepared.add(stmt.name);
    try {
      return await this.queryText<T>(`prepare ${stmt.name}(${stmt.types.map(sqlType).join(', ')}) as ${stmt.text}; ${call}`);
    } catch (err) {
      // A PREPARE outlives its failed query message (it is not transactional): ask the session.
      const kept = await this.query(`select 1 from pg_prepared_statements where name = $1`, [stmt.name]);
      if (kept.length === 0) this.prepared.delete(stmt.name);
      throw err;
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (!this.owner) return fn(this);
    return this.owner.transaction((tx) => fn(new PGliteSql(tx, null)));
  }

  async close(): Promise<void> {
    try {
      if (this.owner && !this.owner.closed) await this.owner.close();
    } finally {
      this.lock?.release();
    }
  }
}

/**
 * bytea both ways through Buffer's hex codec. PGlite's own codec maps one byte at a
 * time (`Array.from(bytes).map(...)`, `parseInt` per pair): a 19 KB snapshot took
 * 4-5 ms to bind, against 1 ms for the whole upsert with this one.
 */
function serializeBytea(value: unknown): string {
  if (!(value instanceof Uint8Array)) throw new Error('Invalid input for bytea type');
  return byteaToHex(value);
}

const pgliteOptions = {
  parsers: { [pgliteTypes.INT8]: int8ToNumber, [pgliteTypes.BYTEA]: hexToBytea },
  serializers: { [pgliteTypes.BYTEA]: serializeBytea },
};

/** How a data dir was opened: an existing cluster, restored from a cached image, or made by initdb. */
export type DataDirOpening = 'opened' | 'restored' | 'initialised';

export interface OpenedPGlite {
  sql: Sql;
  opening: DataDirOpening;
  /** This process's hold on the data dir (released by `sql.close()`). */
  lock: DataDirLock;
}

export interface OpenPGliteOptions {
  /** A cleanly closed, migrated data dir (see pglite-image.ts) to copy when the dir holds no cluster yet. */
  image?: string | null;
}

/** Present while a new data dir is being copied from the image; a copy cut short is started again. */
const RESTORING = 'twinpad.restoring';
const ours = (f: string) => f.startsWith('twinpad.lock');

/** A data dir is new while it holds nothing but our lock, or a copy from the image that was cut short. */
function isNewDataDir(dataDir: string): boolean {
  const entries = readdirSync(dataDir);
  if (!entries.includes(RESTORING)) return entries.every(ours);
  for (const f of entries) if (!ours(f)) rmSync(join(dataDir, f), { recursive: true, force: true });
  return true;
}

/** Copies the image into `dataDir`, PG_VERSION last: only a complete copy looks like a cluster. */
function copyImage(image: string, dataDir: string): void {
  writeFileSync(join(dataDir, RESTORING), '');
  // A copy-on-write clone where the filesystem offers one, else a plain copy.
  const mode = fsConstants.COPYFILE_FICLONE;
  cpSync(image, dataDir, { recursive: true, mode, filter: (src) => src !== join(image, 'PG_VERSION') });
  copyFileSync(join(image, 'PG_VERSION'), join(dataDir, 'PG_VERSION'), mode);
  rmSync(join(dataDir, RESTORING));
}

/**
 * Opens (creating if needed) an embedded database in `dataDir`, holding the dir's
 * lock first: a second process on one PGlite data dir corrupts it, so this throws
 * DataDirBusyError while another live process holds it.
 *
 * A new dir starts as a copy of `image` when one is given (about 0.5-1 s with the
 * open), else is made by initdb (about 3-4 s). initdb runs inside the WASM heap,
 * which never shrinks: the process held about 860 MB afterwards, against about
 * 360-460 MB when it opens a cluster made before. So a fresh cluster is closed and
 * reopened once.
 */
export async function openPGliteDataDir(dataDir: string, opts: OpenPGliteOptions = {}): Promise<OpenedPGlite> {
  mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  try {
    let opening: DataDirOpening = 'opened';
    let db: PGlite;
    if (existsSync(join(dataDir, 'PG_VERSION'))) {
      db = await PGlite.create(dataDir, pgliteOptions);
    } else if (opts.image && existsSync(join(opts.image, 'PG_VERSION')) && isNewDataDir(dataDir)) {
      opening = 'restored';
      copyImage(opts.image, dataDir);
      db = await PGlite.create(dataDir, pgliteOptions);
    } else {
      opening = 'initialised';
      await (await PGlite.create(dataDir, pgliteOptions)).close();
      db = await PGlite.create(dataDir, pgliteOptions);
    }
    return { sql: new PGliteSql(db, db, lock), opening, lock };
  } catch (err) {
    lock.release();
    throw err;
  }
}

/** Opens (creating by initdb if needed) an embedded database in `dataDir`; see openPGliteDataDir. */
export async function openPGlite(dataDir: string, opts: OpenPGliteOptions = {}): Promise<Sql> {
  return (await openPGliteDataDir(dataDir, opts)).sql;
}

/**
 * Opens an in-memory database from a `dumpDataDir()` image (tests clone a migrated
 * template). `view` may stand between the backend and PGlite (a test's record of
 * which PGlite members the backend uses); it must forward to the PGlite it is given.
 */
export async function openPGliteFromDump(dump: Blob, view: (db: PGlite) => PGlite = (db) => db): Promise<Sql> {
  const db = view(await PGlite.create({ ...pgliteOptions, loadDataDir: dump }));
  return new PGliteSql(db, db);
}

/** Exposes the underlying PGlite for dumping a template (tests only). */
export async function dumpPGlite(sql: Sql): Promise<Blob> {
  if (!(sql instanceof PGliteSql) || !sql['owner']) throw new Error('not a PGlite database');
  return sql['owner'].dumpDataDir('none');
}

// ---------------------------------------------------------------- postgres.js

type PostgresClient = postgres.Sql | postgres.TransactionSql;

class PostgresSql implements Sql {
  readonly backend = 'postgres' as const;
  constructor(
    private readonly client: PostgresClient,
    private readonly root: postgres.Sql | null,
  ) {}

  async query<T extends Row>(text: string, params: readonly unknown[] = []): Promise<T[]> {
    const rows = await this.client.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
    return rows as unknown as T[];
  }

  async exec(text: string): Promise<void> {
    await this.client.unsafe(text);
  }

  async queryText<T extends Row>(text: string): Promise<T[]> {
    const rows = await this.client.unsafe(text);
    return rows as unknown as T[];
  }

  async execute<T extends Row>(stmt: PreparedStatement, params: readonly unknown[]): Promise<T[]> {
    // postgres.js prepares (and caches per connection) every parameterised statement.
    return this.query<T>(stmt.text, params);
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (!this.root) return fn(this);
    const result = await this.root.begin((tx) => fn(new PostgresSql(tx, null)));
    return result as T;
  }

  async close(): Promise<void> {
    if (this.root) await this.root.end({ timeout: 5 });
  }
}

export interface PostgresOptions {
  /** Put every unqualified table in this schema (tests isolate files this way). */
  schema?: string;
  max?: number;
}

export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Sql> {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    idle_timeout: 30,
    types: {
      int8: { to: 20, from: [20], serialize: (x: number) => String(x), parse: int8ToNumber },
      // Like PGlite: a string is already JSON text; anything else is serialised once.
      json: {
        to: 114,
        from: [114, 3802],
        serialize: (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x)),
        parse: (x: string) => JSON.parse(x) as unknown,
      },
    },
    ...(opts.schema ? { connection: { search_path: opts.schema } } : {}),
  });
  await client`select 1`;
  return new PostgresSql(client, client);
}

/** Chooses the backend from config: a real server when DATABASE_URL is set, else PGlite in DATA_DIR. */
export async function openDatabase(config: { databaseUrl: string | undefined; dataDir: string }): Promise<Sql> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPGlite(config.dataDir);
}
