import * as Y from 'yjs';

/**
 * Questions a room asks of its live Y.Doc, kept apart from the room: whether a
 * client holds any of it, how much Yjs has parked, and whether Yjs finished its
 * last transaction.
 */

/** True when a client with this state vector holds none of the doc's content (a fresh client): its diff is the whole doc. */
export function lacksEverything(doc: Y.Doc, stateVector: Uint8Array): boolean {
  for (const [client, clock] of Y.decodeStateVector(stateVector)) {
    if (clock > 0 && doc.store.clients.has(client)) return false;
  }
  return true;
}

/** Bytes of structs and deletions Yjs parked because they depend on updates not yet received. */
export function parkedBytes(doc: Y.Doc): number {
  const store = doc.store;
  return (store.pendingStructs?.update.byteLength ?? 0) + (store.pendingDs?.byteLength ?? 0);
}

/**
 * False when Yjs was cut short inside a transaction (a throwing handler or a crafted
 * update broke its cleanup): such a doc never emits 'update' again.
 */
export function isIntact(doc: Y.Doc): boolean {
  return doc._transaction === null && doc._transactionCleanups.length === 0;
}
