import { readSessionToken, sessionCookieName, validateSessionToken } from '../auth/session';
import type { ServerContext } from '../context';
import { loadSocketRights, type SocketRights } from '../db/socket-rights';
import { socketAccess, type SocketAccess } from '../policy';
import type { Access, SocketIdentity, UserStamp } from './room-types';
import type { SocketSlot } from './socket-caps';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why an upgrade was refused: a code (never a sentence), sent as the body's `error.code`. */
export type RefusalCode =
  | 'foreign_origin'
  | 'no_session'
  | 'section_not_found'
  | 'not_member'
  | 'shutting_down'
  | 'not_found'
  | 'internal'
  /** The user holds `limits.maxSocketsPerUser` collab sockets on this instance (429). */
  | 'too_many_sockets'
  /** The instance holds its maximum of connections (config MAX_CONNECTIONS; 503). */
  | 'server_full';

/** The one refusal of an upgrade: an HTTP status and a code. The socket never exists. */
export class UpgradeRefused extends Error {
  constructor(
    readonly status: 403 | 401 | 404 | 429 | 503 | 500,
    readonly code: RefusalCode,
  ) {
    super(code);
    this.name = 'UpgradeRefused';
  }
}

/** An admitted upgrade: who, where, and with what access (the policy's answer). */
export interface Admission extends SocketIdentity {
  /** The policy's reason code (logged). */
  reason: SocketAccess['reason'];
}

/** An Origin header compared as the browser forms it (scheme, host, port). */
function allowed(origins: readonly string[], origin: string): boolean {
  const norm = (o: string) => {
    try {
      return new URL(o).origin;
    } catch {
      return o;
    }
  };
  const wanted = norm(origin);
  return origins.some((o) => norm(o) === wanted);
}

/** The room's access for the policy's answer; null for `none`. */
export function roomAccess(answer: SocketAccess): Access | null {
  switch (answer.access) {
    case 'none':
      return null;
    case 'read':
      return 'read-only';
    case 'write':
      return 'read-write';
    default: {
      const never: never = answer.access;
      throw new Error(`unknown access ${String(never)}`);
    }
  }
}

/** The policy's answer for one socket, from the rows `loadSocketRights` returns. */
export function accessOf(rights: SocketRights): SocketAccess {
  return socketAccess({ userId: rights.userId, membership: rights.membership }, rights);
}

export interface UpgradeRequest {
  origin: string | undefined;
  cookie: string | undefined;
  /** The path's section id as sent (still URL-encoded). */
  rawSectionId: string;
  /** The upgrade's place in the socket caps: counted against the user once the session names them. */
  slot?: SocketSlot;
}

/**
 * Decides an upgrade before any socket exists: the Origin (once), the session,
 * the user's socket cap, the section and the policy's `socketAccess` (one statement
 * loads the section, the membership and the partner for the stamp). Throws `UpgradeRefused`.
 */
export async function admit(ctx: Pick<ServerContext, 'db' | 'clock' | 'allowedOrigins' | 'publicOrigin'>, req: UpgradeRequest): Promise<Admission> {
  if (req.origin !== undefined && !allowed(ctx.allowedOrigins(), req.origin)) throw new UpgradeRefused(403, 'foreign_origin');
  const token = readSessionToken(req.cookie, sessionCookieName(ctx.publicOrigin()));
  const auth = token ? await validateSessionToken(ctx.db, token, ctx.clock()) : null;
  if (!auth) throw new UpgradeRefused(401, 'no_session');
  // Before the rights query: one user's burst of upgrades stops here, counted with those still in flight.
  if (req.slot && !req.slot.claim(auth.user.id)) throw new UpgradeRefused(429, 'too_many_sockets');
  let sectionId: string;
  try {
    sectionId = decodeURIComponent(req.rawSectionId);
  } catch {
    throw new UpgradeRefused(404, 'section_not_found');
  }
  if (!UUID.test(sectionId)) throw new UpgradeRefused(404, 'section_not_found');
  const [rights] = await loadSocketRights(ctx.db, [{ userId: auth.user.id, sectionId }]);
  if (!rights) throw new UpgradeRefused(404, 'section_not_found');
  const answer = accessOf(rights);
  const access = roomAccess(answer);
  if (access === null) throw new UpgradeRefused(403, 'not_member');
  const stamp: UserStamp = {
    id: auth.user.id,
    name: auth.user.name,
    color: auth.user.color,
    partnerId: rights.partner?.id ?? null,
    partnerName: rights.partner?.name ?? null,
    country: rights.partner?.country ?? null,
  };
  return { userId: auth.user.id, sessionId: auth.session.id, proposalId: rights.proposalId, sectionId, stamp, access, reason: answer.reason };
}
