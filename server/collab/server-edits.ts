import * as Y from 'yjs';
import { docFromLoaded } from '../db/doc-updates';
import type { Publish } from './fanout';
import type { Persistence } from './persistence';
import type { RoomRegistry } from './rooms';
import { findTooDeepSince, type TooDeep } from '../../shared/document/update-depth';

/**
 * Server-side edits of a section's document on behalf of a user (a restore),
 * made through `ctx.collab.applyServerEdit` (the service holds the registry).
 * A loaded room applies the edit to its live doc and persists, then
 * broadcasts it like a socket's update, so every connected client sees it.
 * Without a loaded room the edit is made on a scratch doc loaded from storage,
 * appended to the log and published to other instances.
 *
 * Limit: a room that starts loading on this instance between the check and the
 * append may miss the update until its clients reconnect (their next sync).
 */
export type ServerEdit = (doc: Y.Doc) => void;

export interface ServerEditDeps {
  registry: RoomRegistry;
  storage: Persistence;
  publish: Publish;
}

/** Applies `edit` to the section's doc as `userId`: through its loaded room, else on the stored doc. */
export async function applyServerEdit({ registry, storage, publish }: ServerEditDeps, docId: string, userId: string, edit: ServerEdit): Promise<void> {
  const room = registry.peek(docId);
  if (room && room.stateKind !== 'unloaded') {
    const ready = await room.whenReady().then(
      () => true,
      () => false,
    );
    if (ready && room.stateKind === 'ready') return room.editAsServer(userId, edit);
  }
  const update = await editStored(storage, docId, edit);
  if (!update) return;
  await storage.append(docId, update, userId);
  publish({ docId, update });
}

/** The edit made on the stored doc, as one update (null when it changed nothing). */
async function editStored(storage: Persistence, docId: string, edit: ServerEdit): Promise<Uint8Array | null> {
  const doc = docFromLoaded(await storage.load(docId));
  try {
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => {
      update = update ? Y.mergeUpdates([update, u]) : u;
    });
    let tooDeep: TooDeep | null = null;
    Y.transact(doc, (tr) => {
      edit(doc);
      tooDeep = findTooDeepSince(doc, tr.beforeState);
    });
    // SEC9: a server edit may not nest the document deeper than the limit either; nothing of it is stored.
    if (tooDeep) throw new Error(`the server edit would nest the document too deep (level ${(tooDeep as TooDeep).level})`);
    return update;
  } finally {
    doc.destroy();
  }
}
