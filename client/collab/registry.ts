import type { User } from '../../shared/schemas';
import { CollabClient } from './provider';

/** The WebSocket endpoint on this origin: ws(s)://host/collab. */
export function collabUrl(): string {
  return window.location.origin.replace(/^http/, 'ws') + '/collab';
}

/**
 * Created once in main.tsx, outside React: one CollabClient per signed-in user,
 * replaced when another user signs in.
 */
export class CollabRegistry {
  private current: { userId: string; client: CollabClient } | null = null;
  /** Set by the app: close code 4401 sends the user to sign in. */
  onSessionEnded: () => void = () => undefined;

  forUser(user: User): CollabClient {
    if (this.current?.userId === user.id) return this.current.client;
    this.current?.client.destroy();
    const client = new CollabClient({
      url: collabUrl(),
      userId: user.id,
      user: { name: user.name, color: user.color },
      onSessionEnded: () => this.onSessionEnded(),
    });
    this.current = { userId: user.id, client };
    return client;
  }

  unsyncedTotal(): number {
    return this.current?.client.unsyncedTotal() ?? 0;
  }

  clear(): void {
    this.current?.client.destroy();
    this.current = null;
  }
}
