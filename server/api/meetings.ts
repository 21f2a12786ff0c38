import { Hono } from 'hono';
import { idParamsSchema } from '../../shared/schemas/domain';
import { createMeetingRequestSchema, focusRequestSchema, type Meeting } from '../../shared/schemas/history';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { finishMeeting, memberMeeting, moveFocus, startMeeting } from '../commands/meetings';
import { listMeetings, type MeetingRow } from '../db/meetings';
import { proposalMember } from './member-loader';
import { jsonBody, params } from './validate';

export function presentMeeting(m: MeetingRow): Meeting {
  return {
    id: m.id,
    proposalId: m.proposalId,
    name: m.name,
    city: m.city,
    date: m.date,
    facilitator: { id: m.facilitatorId ?? '', name: m.facilitatorName ?? '' },
    startSnapshotId: m.startSnapshotId,
    endSnapshotId: m.endSnapshotId,
    startedAt: m.startedAt.toISOString(),
    endedAt: m.endedAt?.toISOString() ?? null,
    focus: { sectionId: m.focusSectionId, scroll: m.focusScroll },
  };
}

/** Workshop meetings (design section 5): start, end, list, and the facilitator's focus for the projector. */
export function meetingRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get('/proposals/:id/meetings', proposalMember(), async (c) => {
    const { proposal } = c.var.member;
    return c.json({ meetings: (await listMeetings(c.get('ctx').db, proposal.id)).map(presentMeeting) });
  });

  r.post('/proposals/:id/meetings', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, createMeetingRequestSchema);
    const meeting = await startMeeting(c.get('ctx'), user.id, id, input);
    return c.json({ meeting: presentMeeting(meeting) }, 201);
  });

  r.get('/meetings/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    return c.json({ meeting: presentMeeting(await memberMeeting(c.get('ctx').db, user.id, id)) });
  });

  r.post('/meetings/:id/end', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    return c.json({ meeting: presentMeeting(await finishMeeting(c.get('ctx'), user.id, id)) });
  });

  r.post('/meetings/:id/focus', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const focus = await jsonBody(c, focusRequestSchema);
    await moveFocus(c.get('ctx'), user.id, id, focus);
    return c.body(null, 204);
  });

  return r;
}
