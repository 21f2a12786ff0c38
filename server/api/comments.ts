import { Hono } from 'hono';
import { limits } from '../../shared/limits';
import { idParamsSchema } from '../../shared/schemas/domain';
import { pageQuerySchema } from '../../shared/schemas/page';
import { createCommentRequestSchema, updateCommentRequestSchema } from '../../shared/schemas/review';
import type { AppEnv } from '../app-env';
import { requireAuth } from '../auth/middleware';
import { createComment, deleteComment, updateComment } from '../commands/comment-changes';
import { listSectionThreadsPage, openThreadCount } from '../db/comments';
import { pageOf } from '../db/keyset';
import { loadStoredDoc } from '../db/doc-updates';
import { loadActor } from '../policy';
import { presentComment, presentThreads } from '../comment-presenters';
import { resolveAnchor } from '../comment-anchors';
import { sectionMember } from './member-loader';
import { jsonBody, params } from './validate';

/** Comment threads of a section (design section 5). Non-members get 404 everywhere. */
export function commentRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  // One page of threads, oldest first (SEC26), and the section's open thread count (for the meter).
  r.get('/sections/:id/comments', sectionMember({ query: pageQuerySchema(limits.threadsPageSize) }), async (c) => {
    const { section, actor } = c.var.member;
    const ctx = c.get('ctx');
    const [{ rows, next }, openThreads] = await Promise.all([
      listSectionThreadsPage(ctx.db, section.id, pageOf(c.req.valid('query'), limits.threadsPageSize)),
      openThreadCount(ctx.db, section.id),
    ]);
    const anchored = rows.some((row) => row.parentId === null && row.anchorStart !== null);
    const doc = anchored ? await loadStoredDoc(ctx.db, section.id) : null;
    try {
      const threads = presentThreads(rows, actor, section, (anchor) => (doc ? resolveAnchor(doc, anchor).detached : true));
      return c.json({ threads, next, openThreads });
    } finally {
      doc?.destroy();
    }
  });

  r.post('/sections/:id/comments', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, createCommentRequestSchema);
    const ctx = c.get('ctx');
    const row = await createComment(ctx, user.id, id, input);
    const actor = await loadActor(ctx.db, user.id, row.proposalId);
    return c.json({ comment: presentComment(row, actor) }, 201);
  });

  r.patch('/comments/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    const input = await jsonBody(c, updateCommentRequestSchema);
    const ctx = c.get('ctx');
    const row = await updateComment(ctx, user.id, id, input);
    const actor = await loadActor(ctx.db, user.id, row.proposalId);
    return c.json({ comment: presentComment(row, actor) });
  });

  r.delete('/comments/:id', async (c) => {
    const { user } = requireAuth(c);
    const { id } = params(c, idParamsSchema);
    await deleteComment(c.get('ctx'), user.id, id);
    return c.body(null, 204);
  });

  return r;
}
