import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';
import { AppError, invalid } from '../errors';

/**
 * Parses `value` with a shared schema, or throws 400 `invalid_input` naming the first
 * bad field and zod's issue code (`too_big`, `invalid_type`...), never zod's English message.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'param'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : where;
  throw invalid(path, issue?.code ?? 'invalid');
}

/**
 * `application/json`, in any case, with no charset or a UTF-8 one (other parameters are
 * ignored). Anything else, `application/json-patch+json` and `text/plain` included, is not
 * what a JSON route reads: `text/plain` is what a cross-site form may send without a preflight.
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const [type = '', ...parameters] = header.split(';');
  if (type.trim().toLowerCase() !== 'application/json') return false;
  return parameters.every((p) => {
    const eq = p.indexOf('=');
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'charset') return true;
    return /^"?utf-8"?$/i.test(p.slice(eq + 1).trim());
  });
}

/**
 * Reads and validates a JSON body. A body that is not `application/json` is a 415 with
 * `{error: {code: 'unsupported_media_type'}}`; an empty body reads as `{}` whatever its
 * type; malformed JSON is a 400, never a 500.
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await c.req.text();
  } catch {
    throw notJson();
  }
  if (text.length > 0 && !isJsonContentType(c.req.header('content-type'))) {
    throw new HTTPException(415, { res: c.json({ error: { code: 'unsupported_media_type', params: {} } }, 415) });
  }
  let raw: unknown;
  try {
    raw = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw notJson();
  }
  return validate(schema, raw, 'body');
}

const notJson = () => new AppError('invalid_input', 'invalid_json', { field: 'body', params: {} });

export function params<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.param(), 'param');
}

export function query<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.query(), 'query');
}
