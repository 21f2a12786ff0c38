import * as Y from 'yjs';

/** A state vector that holds nothing: the room answers it with its shared whole-document frame. */
const nothing = Y.encodeStateVector(new Map<number, number>());

/**
 * The state vector a room answers a sync step 1 with. A client that lacks at least
 * half of the document (counted in Yjs clock units, one per character or element)
 * is answered as a fresh client: with the room's whole-document frame, encoded once
 * and shared by every such socket, so a hundred sockets that ask for a 4 MB section
 * and never read hold one 4 MB buffer between them instead of one each. It costs
 * such a client at most twice the bytes of its own diff (Yjs skips what it holds).
 * So does a socket that has not read everything it was sent yet (`unsentBytes`).
 * Anyone else gets the diff for its own state vector. A malformed state vector is
 * passed on for the room to refuse.
 */
export function answeredStateVector(doc: Y.Doc, stateVector: Uint8Array, unsentBytes = 0): Uint8Array {
  // Still behind on what it was sent: no new buffer of its own, whatever it asks
  // (each socket then holds at most one diff of its own, under half the document).
  if (unsentBytes > 0) return nothing;
  let held: Map<number, number>;
  try {
    held = Y.decodeStateVector(stateVector);
  } catch {
    return stateVector;
  }
  let total = 0;
  let lacking = 0;
  for (const client of doc.store.clients.keys()) {
    const clock = Y.getState(doc.store, client);
    total += clock;
    lacking += Math.max(0, clock - (held.get(client) ?? 0));
  }
  return total > 0 && lacking * 2 >= total ? nothing : stateVector;
}
