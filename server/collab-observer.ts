import { randomUUID } from 'node:crypto';
import type * as Y from 'yjs';
import type { ServerContext } from './context';
import type { Connection } from './collab/connection';
import type { Room } from './collab/room';
import { txOrigin } from './collab/room-types';
import type { RoomRegistry } from './collab/rooms';
import { PresenceTracker } from './presence';
import { StatsRecomputer } from './section-stats';

/**
 * The review loop's view of the collab rooms, attached by the collab route:
 * every socket open and close updates presence, and every loaded room's doc
 * changes schedule a (debounced) stats recompute. The room itself stays
 * unaware of both.
 */
export interface CollabObserver {
  /** A connection opened or closed. */
  changed(conn: Connection): void;
  close(): Promise<void>;
}

export function observeCollab(ctx: Pick<ServerContext, 'db' | 'events' | 'config'>, registry: RoomRegistry): CollabObserver {
  const log = (message: string, err: unknown) => {
    if (ctx.config.logLevel !== 'silent') console.error(message, err);
  };
  const liveDoc = (docId: string): Y.Doc | null => {
    const room = registry.peek(docId);
    return room && room.stateKind === 'ready' ? room.doc : null;
  };
  const stats = new StatsRecomputer({ db: ctx.db, events: ctx.events, liveDoc, log });
  const presence = new PresenceTracker(ctx.events, () => registry.select(() => true), randomUUID());
  const watched = new WeakSet<Room>();

  return {
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
        const kind = txOrigin(tr.origin).kind;
        if (kind === 'socket' || kind === 'edit') stats.schedule(room.docId);
      });
    },
    async close() {
      presence.close();
      await stats.close();
    },
  };
}
