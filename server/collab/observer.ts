import { randomUUID } from 'node:crypto';
import type * as Y from 'yjs';
import type { Sql } from '../db/sql';
import type { EventBus } from '../events';
import { StatsRecomputer } from '../section-stats';
import { EditVolume, editUnits } from './edit-volume';
import type { Connection } from './connection';
import { PresenceTracker } from './presence';
import type { Room } from './room';
import { txOrigin } from './room-types';
import type { RoomRegistry } from './rooms';

/**
 * The review loop's view of the collab rooms, owned by the collab service:
 * every socket open and close updates presence, and every loaded room's doc
 * changes schedule a (debounced) stats recompute. The room itself stays
 * unaware of both.
 */
export interface CollabObserver {
  /** This instance's presence tracker (the service answers `presence()` from it). */
  readonly presence: PresenceTracker;
  /** A connection opened or closed. */
  changed(conn: Connection): void;
  close(): Promise<void>;
}

export interface ObserverDeps {
  db: Sql;
  events: EventBus;
  log(message: string, err: unknown): void;
}

export function observeCollab({ db, events, log }: ObserverDeps, registry: RoomRegistry): CollabObserver {
  const liveDoc = (docId: string): Y.Doc | null => {
    const room = registry.peek(docId);
    return room && room.stateKind === 'ready' ? room.doc : null;
  };
  const stats = new StatsRecomputer({ db, events, liveDoc, log });
  const afterCommitted = (docId: string, then: () => void) => {
    const room = registry.peek(docId);
    if (room && room.stateKind === 'ready') room.afterCommitted(then);
    else then();
  };
  const volume = new EditVolume({ db, events, liveDoc, afterCommitted, log });
  const presence = new PresenceTracker(events, () => registry.select(() => true), randomUUID());
  const watched = new WeakSet<Room<Connection>>();

  return {
    presence,
    changed(conn) {
      presence.changed(conn.proposalId);
      const room = conn.room;
      if (watched.has(room)) return;
      watched.add(room);
      // Persist-then-broadcast commits socket updates right after they apply; the
      // recompute runs later (debounced) and stores only a changed count. Loads and
      // other instances' updates are not edits of this instance: they recount nothing.
      // afterTransaction, not 'update': an 'update' listener makes Yjs encode every
      // transaction's update, the room's load (the whole doc) included.
      room.doc.on('afterTransaction', (tr: Y.Transaction) => {
        const origin = txOrigin(tr.origin);
        if (origin.kind !== 'socket' && origin.kind !== 'edit') return;
        stats.schedule(room.docId);
        volume.noted(room.docId, editUnits(tr), origin.kind === 'socket' ? origin.peer.userId : origin.userId);
      });
    },
    async close() {
      presence.close();
      await Promise.all([stats.close(), volume.close()]);
    },
  };
}
