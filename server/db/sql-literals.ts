/**
 * Values as SQL text: bytea's hex form both ways, and checked literals for the
 * statements PGlite runs over its simple protocol (`exec`), where a statement
 * takes no parameters. A literal is built only from a value of the declared
 * type, checked first, never escaped: it cannot break out of its quotes.
 */

/** The parameter types a literal (and a prepared statement) may take. */
export type ParamType = 'uuid' | 'uuid?' | 'bytea' | 'int8';

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

/** Postgres wraps base64 at 76 characters; Buffer skips the newlines. */
export function fromBase64(text: string): Uint8Array {
  const buf = Buffer.from(text, 'base64');
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** The SQL type a parameter of `type` is declared as. */
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

/** A value as a SQL literal of `type`; a value of another type throws before any SQL is built. */
export function sqlLiteral(type: ParamType, value: unknown): string {
  switch (type) {
    case 'uuid?':
      return value === null ? 'null' : sqlLiteral('uuid', value);
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
