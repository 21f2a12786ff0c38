import { Hono } from 'hono';
import { idParamsSchema, partnerInputSchema, updatePartnerSchema } from '../../shared/schemas/domain';
import { removePartnerSchema } from '../../shared/schemas/partners';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { addPartner, changePartner, removePartner } from '../commands/partner-changes';
import { presentPartner } from '../presenters';
import { jsonBody, params } from './validate';

/** Partner organisations of a proposal: add, change, remove (reassigning what the partner owns). */
export function partnerRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.post('/proposals/:id/partners', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, partnerInputSchema);
    const partner = await addPartner(c.get('ctx'), user.id, id, input);
    return c.json({ partner: presentPartner(partner) }, 201);
  });

  r.patch('/partners/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, updatePartnerSchema);
    const partner = await changePartner(c.get('ctx'), user.id, id, input);
    return c.json({ partner: presentPartner(partner) });
  });

  r.delete('/partners/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, removePartnerSchema);
    await removePartner(c.get('ctx'), user.id, id, input);
    return c.body(null, 204);
  });

  return r;
}
