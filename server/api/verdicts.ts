import { Hono } from 'hono';
import { idParamsSchema } from '../../shared/schemas/domain';
import { giveVerdictSchema } from '../../shared/schemas/verdicts';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { giveVerdict, withdrawVerdict } from '../commands/verdicts';
import { jsonBody, params } from './validate';

/** `PUT /api/sections/:id/verdict {verdict, note?}` → 200 `{verdict}`; `DELETE` → 204 (VRD1). */
export function verdictRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.put('/sections/:id/verdict', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, giveVerdictSchema);
    return c.json({ verdict: await giveVerdict(c.get('ctx'), user.id, id, input) });
  });

  r.delete('/sections/:id/verdict', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    await withdrawVerdict(c.get('ctx'), user.id, id);
    return c.body(null, 204);
  });

  return r;
}
