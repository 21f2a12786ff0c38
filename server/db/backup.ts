import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { listMigrations, migrate } from './migrate';
import type { Sql } from './sql';

/**
 * Backup and restore in one portable format, the same from PGlite and Postgres,
 * so a team can move from one to the other: gzip'd JSON lines.
 *
 *   {"format":"twinpad-backup","formatVersion":1,"schemaVersion":10,"migrations":[1,2,...],...}
 *   {"table":"users","columns":[{"name":"id","type":"uuid"},...],"rows":2}
 *   {"id":"...","email":"...",...}            one line per row, as Postgres's row_to_json writes it
 *   ...                                        (bytea as base64; timestamps with microseconds)
 *   {"end":true,"tables":17,"rows":1234}
 *
 * Tables come in foreign-key order (a self-referencing table parents first), so
 * a restore inserts them as they come. A restore runs in one transaction: it
 * rebuilds the schema at the dump's migration version, loads every row, resets
 * identity sequences, then applies the newer migrations this code has.
 */

export const backupFormat = 'twinpad-backup';
export const backupFormatVersion = 1;

export interface BackupHeader {
  format: typeof backupFormat;
  formatVersion: number;
  /** The highest migration applied to the dumped database. */
  schemaVersion: number;
  /** Every migration version applied to it. */
  migrations: number[];
  /** Where it came from (informative: the format does not depend on it). */
  backend: Sql['backend'];
  createdAt: string;
}

export interface ColumnSpec {
  name: string;
  /** As Postgres's format_type prints it (`uuid`, `timestamp with time zone`, `bytea`, ...). */
  type: string;
}

interface TableHeader {
  table: string;
  columns: ColumnSpec[];
  rows: number;
}

interface Trailer {
  end: true;
  tables: number;
  rows: number;
}

export interface BackupSummary {
  schemaVersion: number;
  tables: number;
  rows: number;
}

/** Why a restore (or backup) refused; the commands print the message and exit with 2. */
export type BackupRefusal =
  | 'not_a_backup'
  | 'truncated'
  | 'newer_schema'
  | 'schema_mismatch'
  | 'target_not_empty'
  | 'not_twinpad'
  | 'column_mismatch';

export class BackupRefused extends Error {
  constructor(
    readonly code: BackupRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'BackupRefused';
  }
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

interface TableInfo {
  name: string;
  columns: (ColumnSpec & { identity: boolean })[];
  primaryKey: string[];
  /** A single-column foreign key to the table itself: dumped parents first. */
  selfReference: { column: string; references: string } | null;
}

/** Our tables in the connection's schema (schema_migrations aside), in foreign-key order. */
async function tablesInOrder(db: Sql): Promise<TableInfo[]> {
  const names = (
    await db.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname <> 'schema_migrations'
        order by c.relname`,
    )
  ).map((r) => r.name);
  const fks = await db.query<{ child: string; parent: string; column: string | null; references: string | null; width: number }>(
    `select cl.relname as child, pl.relname as parent, array_length(con.conkey, 1) as width,
            (select attname from pg_attribute where attrelid = con.conrelid and attnum = con.conkey[1]) as column,
            (select attname from pg_attribute where attrelid = con.confrelid and attnum = con.confkey[1]) as references
       from pg_constraint con
       join pg_class cl on cl.oid = con.conrelid
       join pg_class pl on pl.oid = con.confrelid
       join pg_namespace n on n.oid = cl.relnamespace
      where con.contype = 'f' and n.nspname = current_schema()`,
  );
  const infos = new Map<string, TableInfo>();
  for (const name of names) {
    const columns = await db.query<{ name: string; type: string; identity: string; generated: string }>(
      `select a.attname as name, format_type(a.atttypid, a.atttypmod) as type, a.attidentity as identity, a.attgenerated as generated
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relname = $1 and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
      [name],
    );
    const primaryKey = await db.query<{ name: string }>(
      `select a.attname as name
         from pg_index i join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
         join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey::int2[])
        where n.nspname = current_schema() and c.relname = $1 and i.indisprimary
        order by array_position(i.indkey::int2[], a.attnum)`,
      [name],
    );
    const self = fks.find((f) => f.child === name && f.parent === name && f.width === 1);
    infos.set(name, {
      name,
      columns: columns.filter((c) => c.generated === '').map((c) => ({ name: c.name, type: c.type, identity: c.identity !== '' })),
      primaryKey: primaryKey.map((p) => p.name),
      selfReference: self?.column && self.references ? { column: self.column, references: self.references } : null,
    });
  }
  // Kahn's algorithm over the foreign keys between distinct tables; ties by name.
  const parents = new Map(names.map((n) => [n, new Set(fks.filter((f) => f.child === n && f.parent !== n && infos.has(f.parent)).map((f) => f.parent))]));
  const ordered: TableInfo[] = [];
  const done = new Set<string>();
  while (ordered.length < names.length) {
    const next = names.find((n) => !done.has(n) && [...(parents.get(n) ?? [])].every((p) => done.has(p)));
    if (next === undefined) throw new Error(`foreign keys form a cycle among ${names.filter((n) => !done.has(n)).join(', ')}`);
    done.add(next);
    ordered.push(infos.get(next)!);
  }
  return ordered;
}

async function appliedMigrations(db: Sql): Promise<number[]> {
  const exists = await db.query<{ ok: boolean }>(
    `select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = current_schema() and c.relname = 'schema_migrations') as ok`,
  );
  if (!exists[0]?.ok) return [];
  return (await db.query<{ version: number }>('select version from schema_migrations order by version')).map((r) => Number(r.version));
}

/** The SELECT that dumps `t`'s rows as JSON text, one per row, in a stable order (parents first). */
function dumpQuery(t: TableInfo): string {
  const cols = t.columns.map((c) => (c.type === 'bytea' ? `translate(encode(t.${ident(c.name)}, 'base64'), E'\\n', '') as ${ident(c.name)}` : `t.${ident(c.name)}`)).join(', ');
  const order = t.primaryKey.length ? t.primaryKey.map((k) => `t.${ident(k)}`).join(', ') : 't.ctid';
  if (!t.selfReference) {
    return `select row_to_json(x)::text as j from (select ${cols} from ${ident(t.name)} t order by ${order} limit $1 offset $2) x`;
  }
  const { column, references } = t.selfReference;
  return `with recursive d(key, depth) as (
            select ${ident(references)}, 0 from ${ident(t.name)} where ${ident(column)} is null
            union all
            select c.${ident(references)}, d.depth + 1 from ${ident(t.name)} c join d on c.${ident(column)} = d.key)
          select row_to_json(x)::text as j from (
            select ${cols} from ${ident(t.name)} t join d on t.${ident(references)} = d.key
            order by d.depth, ${order} limit $1 offset $2) x`;
}

const pageRows = 1000;

/** A line writer over gzip with backpressure. */
function gzipLines(path: string) {
  const gzip = createGzip();
  const file = createWriteStream(path);
  gzip.pipe(file);
  const finished = once(file, 'close');
  return {
    async write(line: string): Promise<void> {
      if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
    },
    async end(): Promise<void> {
      gzip.end();
      await finished;
    },
  };
}

/**
 * Writes every table of `db` to `outFile` (gzip'd JSON lines), from one
 * consistent snapshot (a repeatable-read, read-only transaction). The file
 * appears under its name only once complete.
 */
export async function backupDatabase(db: Sql, outFile: string, clock: () => Date = () => new Date()): Promise<BackupSummary> {
  const partial = `${outFile}.partial`;
  const out = gzipLines(partial);
  try {
    const summary = await db.transaction(async (tx) => {
      await tx.exec('set transaction isolation level repeatable read, read only');
      const migrations = await appliedMigrations(tx);
      if (migrations.length === 0) throw new BackupRefused('not_twinpad', 'this database has no twinpad schema (no schema_migrations)');
      const header: BackupHeader = {
        format: backupFormat,
        formatVersion: backupFormatVersion,
        schemaVersion: Math.max(...migrations),
        migrations,
        backend: tx.backend,
        createdAt: clock().toISOString(),
      };
      await out.write(JSON.stringify(header));
      const tables = await tablesInOrder(tx);
      let total = 0;
      for (const t of tables) {
        const count = Number((await tx.query<{ n: number }>(`select count(*)::int as n from ${ident(t.name)}`))[0]?.n ?? 0);
        const tableHeader: TableHeader = { table: t.name, columns: t.columns.map(({ name, type }) => ({ name, type })), rows: count };
        await out.write(JSON.stringify(tableHeader));
        const query = dumpQuery(t);
        let written = 0;
        for (;;) {
          const page = await tx.query<{ j: string }>(query, [pageRows, written]);
          for (const row of page) await out.write(row.j);
          written += page.length;
          if (page.length < pageRows) break;
        }
        if (written !== count) throw new Error(`${t.name}: dumped ${written} of ${count} rows (a cycle in its self-reference?)`);
        total += count;
      }
      const trailer: Trailer = { end: true, tables: tables.length, rows: total };
      await out.write(JSON.stringify(trailer));
      return { schemaVersion: header.schemaVersion, tables: tables.length, rows: total };
    });
    await out.end();
    renameSync(partial, outFile);
    return summary;
  } catch (err) {
    await out.end().catch(() => undefined);
    rmSync(partial, { force: true });
    throw err;
  }
}

/** True when any of our tables in `db` holds a row (an empty, migrated database is empty). */
export async function databaseHasRows(db: Sql): Promise<boolean> {
  for (const t of await tablesInOrder(db)) {
    const rows = await db.query(`select 1 from ${ident(t.name)} limit 1`);
    if (rows.length > 0) return true;
  }
  return false;
}

/** Reads a backup line by line; a file cut short or not gzip'd is refused. */
async function* backupLines(file: string): AsyncGenerator<string> {
  const gunzip = createGunzip();
  const lines = createInterface({ input: createReadStream(file).pipe(gunzip), crlfDelay: Infinity });
  try {
    for await (const line of lines) yield line;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'Z_STREAM_END') {
      throw new BackupRefused(code === 'Z_DATA_ERROR' ? 'not_a_backup' : 'truncated', `${file} is ${code === 'Z_DATA_ERROR' ? 'not a gzip’d twinpad backup' : 'cut short'} (${String(err)})`);
    }
    throw err;
  }
}

function parseLine<T>(line: string | undefined, file: string, what: string): T {
  if (line === undefined) throw new BackupRefused('truncated', `${file} is cut short: it ends before ${what}`);
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new BackupRefused('not_a_backup', `${file}: expected ${what}, found a line that is not JSON`);
  }
}

export interface RestoreOptions {
  /** Replace a database that already holds rows. */
  force?: boolean;
}

export interface RestoreSummary extends BackupSummary {
  /** Migrations newer than the dump that were applied after loading it. */
  migratedTo: number;
}

const batchRows = 500;
const batchChars = 4 * 1024 * 1024;

/**
 * Restores `file` into `db` in one transaction: refuses a database with rows
 * (unless `force`), a dump from a newer schema than this code knows, or one whose
 * migrations differ; then drops and recreates the connection's schema, applies
 * the migrations up to the dump's version, loads every table, resets identity
 * sequences and applies the newer migrations.
 */
export async function restoreDatabase(db: Sql, file: string, opts: RestoreOptions = {}): Promise<RestoreSummary> {
  const lines = backupLines(file)[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    return r.done ? undefined : r.value;
  };
  const header = parseLine<Partial<BackupHeader>>(await next(), file, 'the header');
  if (header.format !== backupFormat || header.formatVersion !== backupFormatVersion || typeof header.schemaVersion !== 'number' || !Array.isArray(header.migrations)) {
    throw new BackupRefused('not_a_backup', `${file} is not a twinpad backup (format ${backupFormat} ${backupFormatVersion})`);
  }
  const dumpVersion = header.schemaVersion;
  const known = listMigrations().map((m) => m.version);
  const newest = Math.max(...known);
  if (dumpVersion > newest) {
    throw new BackupRefused('newer_schema', `${file} comes from a newer twinpad (schema ${dumpVersion}; this one knows up to ${newest}): upgrade first`);
  }
  const expected = known.filter((v) => v <= dumpVersion);
  if (expected.join(',') !== header.migrations.join(',')) {
    throw new BackupRefused('schema_mismatch', `${file} has migrations ${header.migrations.join(', ')}; this twinpad has ${expected.join(', ')} up to ${dumpVersion}`);
  }

  return db.transaction(async (tx) => {
    if (!opts.force && (await databaseHasRows(tx))) {
      throw new BackupRefused('target_not_empty', 'the target database already holds data: restore into an empty one, or pass --force to replace it');
    }
    const schema = (await tx.query<{ s: string }>('select current_schema() as s'))[0]?.s;
    if (!schema) throw new Error('no current schema');
    await tx.exec(`drop schema ${ident(schema)} cascade; create schema ${ident(schema)}`);
    await tx.exec(`create table schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`);
    for (const m of listMigrations().filter((m) => m.version <= dumpVersion)) {
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
    }
    const tables = new Map((await tablesInOrder(tx)).map((t) => [t.name, t]));

    let tableCount = 0;
    let rowCount = 0;
    for (;;) {
      const line = parseLine<Partial<TableHeader> & Partial<Trailer>>(await next(), file, 'the end marker');
      if (line.end === true) {
        if (line.tables !== tableCount || line.rows !== rowCount) {
          throw new BackupRefused('truncated', `${file}: its end marker counts ${line.tables} tables and ${line.rows} rows; read ${tableCount} and ${rowCount}`);
        }
        break;
      }
      if (typeof line.table !== 'string' || !Array.isArray(line.columns) || typeof line.rows !== 'number') {
        throw new BackupRefused('not_a_backup', `${file}: expected a table header`);
      }
      const target = tables.get(line.table);
      if (!target) throw new BackupRefused('column_mismatch', `${file}: table ${line.table} does not exist at schema ${dumpVersion}`);
      for (const c of line.columns) {
        const own = target.columns.find((t) => t.name === c.name);
        if (!own || own.type !== c.type) throw new BackupRefused('column_mismatch', `${file}: column ${line.table}.${c.name} (${c.type}) does not match schema ${dumpVersion}`);
      }
      const insert = insertStatement(target, line.columns);
      let batch: string[] = [];
      let chars = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        await tx.query(insert, [`[${batch.join(',')}]`]);
        batch = [];
        chars = 0;
      };
      for (let i = 0; i < line.rows; i++) {
        const row = await next();
        if (row === undefined) throw new BackupRefused('truncated', `${file} is cut short in table ${line.table} (row ${i + 1} of ${line.rows})`);
        batch.push(row);
        chars += row.length;
        if (batch.length >= batchRows || chars >= batchChars) await flush();
      }
      await flush();
      for (const c of target.columns.filter((c) => c.identity)) {
        await tx.query(
          `select setval(pg_get_serial_sequence($1, $2), coalesce((select max(${ident(c.name)}) from ${ident(target.name)}), 0) + 1, false)`,
          [ident(target.name), c.name],
        );
      }
      tableCount += 1;
      rowCount += line.rows;
    }
    const applied = await migrate(tx);
    return { schemaVersion: dumpVersion, tables: tableCount, rows: rowCount, migratedTo: applied.length ? Math.max(...applied) : dumpVersion };
  });
}

/** `insert ... select ... from json_to_recordset($1)`: one statement per batch of rows; bytea decoded from base64. */
function insertStatement(table: TableInfo, columns: ColumnSpec[]): string {
  const names = columns.map((c) => ident(c.name)).join(', ');
  const values = columns.map((c) => (c.type === 'bytea' ? `decode(x.${ident(c.name)}, 'base64')` : `x.${ident(c.name)}`)).join(', ');
  const shape = columns.map((c) => `${ident(c.name)} ${c.type === 'bytea' ? 'text' : c.type}`).join(', ');
  const overriding = table.columns.some((c) => c.identity) ? ' overriding system value' : '';
  return `insert into ${ident(table.name)} (${names})${overriding} select ${values} from json_to_recordset($1::json) as x(${shape})`;
}
