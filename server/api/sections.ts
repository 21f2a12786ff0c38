import { Hono } from 'hono';
import { idParamsSchema, updateSectionSchema } from '../../shared/schemas/domain';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { changeSection } from '../commands/update-section';
import type { ServerContext } from '../context';
import type { SectionRow } from '../db/sections';
import { verdictsBySection } from '../db/verdicts';
import type { Actor } from '../policy';
import { presentSection } from '../presenters';
import { loadSectionStats } from '../section-stats';
import { sectionMember } from './member-loader';
import { jsonBody, params } from './validate';

/** One section: read it, and PATCH owner, due date, status, flags and checklist. */
export function sectionRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/sections/:id', sectionMember(), async (c) => {
    const { section, actor } = c.var.member;
    return c.json({ section: await presentWithStats(c.get('ctx'), section, actor) });
  });

  r.patch('/sections/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, updateSectionSchema);
    const { section, actor } = await changeSection(c.get('ctx'), user.id, id, input);
    return c.json({ section: await presentWithStats(c.get('ctx'), section, actor) });
  });

  return r;
}

/** A section with its stored character count, open threads and verdicts (the meter and the header). */
export async function presentWithStats(ctx: ServerContext, section: SectionRow, actor: Actor) {
  const stats = (await loadSectionStats(ctx.db, section.proposalId)).get(section.id) ?? { chars: 0, openThreads: 0 };
  return presentSection(section, actor, { ...stats, verdicts: await verdictsBySection(ctx.db, section.id) });
}
