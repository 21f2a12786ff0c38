import type { Context } from 'hono';
import type { z } from 'zod';
import { invalid } from '../errors';

/** Parses `value` with a shared schema, or throws 400 naming the first bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'param'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : where;
  throw invalid(`${where === 'body' ? '' : `${where} `}${path}: ${issue?.message ?? 'invalid'}`.trim(), path);
}

/** Reads and validates a JSON body. Malformed JSON is a 400, never a 500. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text.length === 0 ? {} : JSON.parse(text);
  } catch {
    throw invalid('Request body is not valid JSON', 'body');
  }
  return validate(schema, raw, 'body');
}

export function params<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.param(), 'param');
}

export function query<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return validate(schema, c.req.query(), 'query');
}
