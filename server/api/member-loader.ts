import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { idParamsSchema } from '../../shared/schemas/domain';
import type { AppEnv } from '../app-env';
import type { Session, SessionUser } from '../auth/session';
import { findMembership } from '../db/members';
import { findProposalById, type ProposalRow } from '../db/proposals';
import { findSectionById, type SectionRow } from '../db/sections';
import { findSnapshot, type SnapshotRow } from '../db/snapshots';
import type { Sql } from '../db/sql';
import { notFound, unauthenticated } from '../errors';
import { authorize, type Action, type Actor } from '../policy';
import { validate } from './validate';

/**
 * The member-or-404 step of every proposal resource, done once: resolve the
 * proposal (or the section or snapshot, then its proposal) and the caller's
 * standing in it. An unknown id and a non-member get the same 404, so nobody
 * learns that a proposal exists. The permission decision itself is the
 * policy's (`authorize`); this file only asks it.
 */

/** An actor known to be a member of the proposal. */
export type MemberActor = Actor & { membership: NonNullable<Actor['membership']> };

/** The signed-in caller: the session middleware's `auth`. */
export interface Caller {
  user: SessionUser;
  session: Session;
}

export interface ProposalMember extends Caller {
  actor: MemberActor;
  proposal: ProposalRow;
}

export interface SectionMember extends Caller {
  actor: MemberActor;
  section: SectionRow;
}

export interface SnapshotMember extends Caller {
  actor: MemberActor;
  snapshot: SnapshotRow;
}

/** The caller as a member of `proposalId`, or 404 as `what`. */
async function memberActor(db: Sql, userId: string, proposalId: string, what: string): Promise<MemberActor> {
  const membership = await findMembership(db, proposalId, userId);
  if (!membership) throw notFound(what);
  return { userId, membership };
}

/** The proposal and the caller as its member; 404 for an unknown id and a non-member alike, 403 when the member may not take `action`. */
export async function loadProposalMember(db: Sql, userId: string, proposalId: string, action: Action = 'proposal.read') {
  const [proposal, membership] = await Promise.all([findProposalById(db, proposalId), findMembership(db, proposalId, userId)]);
  if (!proposal || !membership) throw notFound('Proposal');
  const actor: MemberActor = { userId, membership };
  authorize(actor, action);
  return { proposal, actor };
}

/** The section and the caller as a member of its proposal; 404 (as 'Section') for an unknown section and a non-member alike. */
export async function loadSectionMember(db: Sql, userId: string, sectionId: string, action: Action = 'proposal.read') {
  const section = await findSectionById(db, sectionId);
  if (!section) throw notFound('Section');
  const actor = await memberActor(db, userId, section.proposalId, 'Section');
  authorize(actor, action, section);
  return { section, actor };
}

/** The snapshot and the caller as a member of its proposal; 404 (as 'Snapshot') for an unknown snapshot and a non-member alike. */
export async function loadSnapshotMember(db: Sql, userId: string, snapshotId: string, action: Action = 'proposal.read') {
  const snapshot = await findSnapshot(db, snapshotId);
  if (!snapshot) throw notFound('Snapshot');
  const actor = await memberActor(db, userId, snapshot.proposalId, 'Snapshot');
  authorize(actor, action);
  return { snapshot, actor };
}

/**
 * A snapshot of `proposalId` (its members were checked already), or 404 as
 * 'Snapshot', also for a snapshot of another proposal.
 */
export async function snapshotOf(db: Sql, proposalId: string, snapshotId: string): Promise<SnapshotRow> {
  const snapshot = await findSnapshot(db, snapshotId);
  if (!snapshot || snapshot.proposalId !== proposalId) throw notFound('Snapshot');
  return snapshot;
}

/** Route params that name the resource by `id`. */
type IdParams = z.ZodType<{ id: string }>;

/** A route's query string schema. */
type QuerySchema = z.ZodType<object>;

/** Accepts any query string (a route that reads none). */
const anyQuery = z.object({});

export interface MemberOptions<P extends IdParams, Q extends QuerySchema> {
  /** The action the member must be allowed (policy.ts); default `proposal.read`, which every member has. */
  action?: Action;
  /** The route's params; default `{ id }`. */
  params?: P;
  /** The route's query string, validated before the lookup (a malformed query is 400 for anyone signed in). */
  query?: Q;
}

/** What the middleware puts in the request: `c.var.member`, `c.req.valid('param')` and `c.req.valid('query')`. */
type MemberMiddleware<M, P extends IdParams, Q extends QuerySchema> = MiddlewareHandler<
  AppEnv & { Variables: { member: M } },
  string,
  { in: Record<string, never>; out: { param: z.output<P>; query: z.output<Q> } }
>;

type Loader<M> = (db: Sql, caller: Caller, id: string, action: Action | undefined) => Promise<M>;

/**
 * Builds the middleware in the order every route checks: 401 without a
 * session, 400 for malformed params then query, 404 for an unknown id or a
 * non-member, 403 for a member who may not.
 */
function memberMiddleware<M, P extends IdParams, Q extends QuerySchema>(load: Loader<M>, opts: MemberOptions<P, Q>): MemberMiddleware<M, P, Q> {
  const paramsSchema = opts.params ?? idParamsSchema;
  const querySchema = opts.query ?? anyQuery;
  return async function memberLoader(c, next) {
    const auth = c.get('auth');
    if (!auth) throw unauthenticated();
    const param = validate(paramsSchema, c.req.param(), 'param');
    const query = validate(querySchema, c.req.query(), 'query');
    c.req.addValidatedData('param', param);
    c.req.addValidatedData('query', query);
    c.set('member', await load(c.get('ctx').db, { user: auth.user, session: auth.session }, param.id, opts.action));
    await next();
  };
}

/** `c.var.member`: the proposal named by `:id` and the caller as its member. */
export function proposalMember<P extends IdParams = typeof idParamsSchema, Q extends QuerySchema = typeof anyQuery>(
  opts: MemberOptions<P, Q> = {},
): MemberMiddleware<ProposalMember, P, Q> {
  return memberMiddleware(async (db, caller, id, action) => ({ ...caller, ...(await loadProposalMember(db, caller.user.id, id, action)) }), opts);
}

/** `c.var.member`: the section named by `:id` and the caller as a member of its proposal. */
export function sectionMember<P extends IdParams = typeof idParamsSchema, Q extends QuerySchema = typeof anyQuery>(
  opts: MemberOptions<P, Q> = {},
): MemberMiddleware<SectionMember, P, Q> {
  return memberMiddleware(async (db, caller, id, action) => ({ ...caller, ...(await loadSectionMember(db, caller.user.id, id, action)) }), opts);
}

/** `c.var.member`: the snapshot named by `:id` and the caller as a member of its proposal. */
export function snapshotMember<P extends IdParams = typeof idParamsSchema, Q extends QuerySchema = typeof anyQuery>(
  opts: MemberOptions<P, Q> = {},
): MemberMiddleware<SnapshotMember, P, Q> {
  return memberMiddleware(async (db, caller, id, action) => ({ ...caller, ...(await loadSnapshotMember(db, caller.user.id, id, action)) }), opts);
}
