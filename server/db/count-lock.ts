import type { Sql } from './sql';

/**
 * Serialises the creates that a count cap guards (comments of a section,
 * pending invitations of a proposal, proposals of a user): each takes this
 * transaction-scoped advisory lock before counting, so two concurrent creates
 * cannot both see room for one. Take it before any row lock of the same
 * transaction (one order everywhere, no deadlock).
 */
export type CountScope = 'comments' | 'invitations' | 'proposals';

export async function lockCount(tx: Sql, scope: CountScope, key: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended($1::text, 0))::text as locked`, [`count:${scope}:${key}`]);
}
