import type { ParamType, Row } from './sql';

/**
 * The few pieces of the Postgres wire protocol the PGlite hot path needs: a
 * simple-query message, checked literals for its parameters, and a reply reader
 * (row description, data rows, errors). Values arrive as text.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** bytea's text form (`\x` then hex) through Buffer's codec, for a view into any buffer. */
export function byteaToHex(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** bytea's text form back to bytes. */
export function hexToBytea(text: string): Uint8Array {
  const buf = Buffer.from(text.slice(2), 'hex');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** A `Q` message: type byte, int32 length, the query as a C string. */
export function simpleQuery(text: string): Uint8Array {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const message = Buffer.allocUnsafe(5 + body.length);
  message[0] = 0x51;
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}

export function sqlType(type: ParamType): string {
  switch (type) {
    case 'uuid':
    case 'uuid?':
      return 'uuid';
    case 'bytea':
      return 'bytea';
    case 'int8':
      return 'int8';
    default: {
      const never: never = type;
      throw new Error(`unknown parameter type ${String(never)}`);
    }
  }
}

/** A value as a SQL literal that cannot break out of its quotes: each type is checked, never escaped. */
export function pgliteLiteral(type: ParamType, value: unknown): string {
  switch (type) {
    case 'uuid?':
      return value === null ? 'null' : pgliteLiteral('uuid', value);
    case 'uuid':
      if (typeof value !== 'string' || !UUID.test(value)) throw new Error(`not a uuid: ${JSON.stringify(value)}`);
      return `'${value}'`;
    case 'bytea': {
      if (!(value instanceof Uint8Array)) throw new Error('not bytes');
      return `'${byteaToHex(value)}'`;
    }
    case 'int8':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new Error(`not an integer: ${String(value)}`);
      return String(value);
    default: {
      const never: never = type;
      throw new Error(`unknown parameter type ${String(never)}`);
    }
  }
}

const OID_INT8 = 20;
const OID_INT2 = 21;
const OID_INT4 = 23;
const OID_BOOL = 16;
const OID_BYTEA = 17;

export class PgWireError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'PgWireError';
  }
}

function decodeText(oid: number, text: string): unknown {
  switch (oid) {
    case OID_INT8:
    case OID_INT4:
    case OID_INT2:
      return Number(text);
    case OID_BOOL:
      return text === 't';
    case OID_BYTEA:
      return hexToBytea(text);
    default:
      return text;
  }
}

/** The rows of a simple-query reply; an ErrorResponse throws its message and SQLSTATE. */
export function readReply(reply: Uint8Array): Row[] {
  const b = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  const rows: Row[] = [];
  let columns: { name: string; oid: number }[] = [];
  let error: PgWireError | null = null;
  for (let at = 0; at + 5 <= b.length; ) {
    const type = b[at]!;
    const end = at + 1 + b.readInt32BE(at + 1);
    let p = at + 5;
    switch (type) {
      case 0x54: {
        // RowDescription: name\0, table oid, column no, type oid, size, modifier, format
        const count = b.readInt16BE(p);
        p += 2;
        columns = [];
        for (let i = 0; i < count; i++) {
          const nul = b.indexOf(0, p);
          const name = b.toString('utf8', p, nul);
          p = nul + 1;
          columns.push({ name, oid: b.readInt32BE(p + 6) });
          p += 18;
        }
        break;
      }
      case 0x44: {
        const count = b.readInt16BE(p);
        p += 2;
        const row: Row = {};
        for (let i = 0; i < count; i++) {
          const len = b.readInt32BE(p);
          p += 4;
          const column = columns[i];
          if (!column) throw new PgWireError('data row without a row description', undefined);
          row[column.name] = len < 0 ? null : decodeText(column.oid, b.toString('utf8', p, p + len));
          if (len > 0) p += len;
        }
        rows.push(row);
        break;
      }
      case 0x45: {
        const fields = new Map<string, string>();
        while (p < end && b[p] !== 0) {
          const nul = b.indexOf(0, p + 1);
          fields.set(String.fromCharCode(b[p]!), b.toString('utf8', p + 1, nul));
          p = nul + 1;
        }
        error ??= new PgWireError(fields.get('M') ?? 'database error', fields.get('C'));
        break;
      }
      default:
        break;
    }
    at = end;
  }
  if (error) throw error;
  return rows;
}
