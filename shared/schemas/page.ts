import { z } from 'zod';

/**
 * Keyset pages of lists that grow without bound (SEC26). A page answers
 * `{ <items>, next }`; `next` is the cursor of the page after it, or null on the
 * last page. A cursor names the last item seen: its creation time in
 * microseconds since the epoch and its id (`1764774000123456.<uuid>`), so a page
 * is stable while items are added or removed around it. Clients treat it as opaque.
 */
export const cursorSchema = z
  .string()
  .regex(/^\d{1,16}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must be a page cursor')
  .refine((s) => Number.isSafeInteger(Number(s.slice(0, s.indexOf('.')))), 'must be a page cursor');

/** `?after=<cursor>&limit=<n>`: n is 1..max (default max). A bad cursor or page size is 400. */
export const pageQuerySchema = (max: number) =>
  z.object({
    after: cursorSchema.optional(),
    limit: z.coerce.number().int().min(1).max(max).optional(),
  });
export type PageQuery = z.infer<ReturnType<typeof pageQuerySchema>>;

/** The `next` field of a page. */
export const nextCursorSchema = cursorSchema.nullable();
