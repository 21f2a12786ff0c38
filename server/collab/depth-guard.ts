import type * as Y from 'yjs';
import { closeCode } from '../../shared/protocol';
import { deletesTallSubtree, findTooDeep, findTooDeepInDoc } from '../../shared/document/update-depth';
import type { Refusal } from './room-types';

/**
 * A room's depth limit on what sockets send (SEC9, SEC10), checked before
 * anything of an update is applied (shared/document/update-depth.ts).
 *
 * - An update that would nest the document deeper than the limit is refused.
 * - Parked structs are checked with the update that would complete them: when
 *   they are the part that would be too deep, they are dropped (never stored;
 *   their sender resends them with its next sync and is refused then) and the
 *   update goes on.
 * - A doc stored too deep before the limit existed also refuses a deletion of a
 *   subtree too tall for Yjs's recursive delete and garbage collection.
 */
export class DepthGuard {
  /** Whether the loaded doc nests deeper than the limit (stored before it existed); worked out on the first deletion. */
  private storedTooDeep: boolean | null = null;

  constructor(private readonly doc: Y.Doc) {}

  refusal(update: Uint8Array, deletes: boolean): Refusal | null {
    const store = this.doc.store;
    const tooDeep = findTooDeep(this.doc, update, store.pendingStructs?.update ?? null);
    if (tooDeep && !tooDeep.parked) return { code: closeCode.documentTooDeep, reason: 'document_too_deep' };
    if (tooDeep) store.pendingStructs = null;
    if (deletes && (this.storedTooDeep ??= findTooDeepInDoc(this.doc) !== null) && deletesTallSubtree(this.doc, update)) {
      return { code: closeCode.documentTooDeep, reason: 'deletion_too_deep' };
    }
    return null;
  }
}
