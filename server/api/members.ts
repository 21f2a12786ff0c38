import { Hono } from 'hono';
import { memberParamsSchema, updateMemberSchema } from '../../shared/schemas/domain';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { changeMember, removeMember } from '../commands/member-changes';
import { presentMember } from '../presenters';
import { jsonBody, params } from './validate';

/** Members of a proposal: change role or partner, remove. */
export function memberRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.patch('/members/:proposalId/:userId', async (c) => {
    const { user } = requireAuth(c);
    const { proposalId, userId } = params(c, memberParamsSchema);
    const input = await jsonBody(c, updateMemberSchema);
    const member = await changeMember(c.get('ctx'), user.id, proposalId, userId, input);
    return c.json({ member: presentMember(member) });
  });

  r.delete('/members/:proposalId/:userId', async (c) => {
    const { user } = requireAuth(c);
    const { proposalId, userId } = params(c, memberParamsSchema);
    await removeMember(c.get('ctx'), user.id, proposalId, userId);
    return c.body(null, 204);
  });

  return r;
}
