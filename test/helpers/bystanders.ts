import type { CollabWorld, HasUrl } from './factories';
import { fragmentText, stockClient, typeParagraph, waitFor, type StockClient } from './yclient';

/**
 * Two stock clients in a room of their own (the world's sixth section), which
 * must keep syncing whatever a hostile socket does elsewhere.
 */
export interface Bystanders {
  /** A paragraph typed by one bystander reaches the other. */
  stillSync(): Promise<void>;
  destroy(): void;
}

export async function watchOtherRoom(server: HasUrl, world: CollabWorld): Promise<Bystanders> {
  const other = world.sectionIds[5]!;
  const clients: [StockClient, StockClient] = [stockClient(server.url, other, world.coordinator), stockClient(server.url, other, world.coordinator)];
  await waitFor(() => clients.every((c) => c.provider.synced), 5000, 'bystanders synced');
  let probe = 0;
  return {
    async stillSync() {
      const text = `probe ${probe++}`;
      typeParagraph(clients[0], text);
      await waitFor(() => fragmentText(clients[1].doc).includes(text), 5000, 'other room syncs');
    },
    destroy() {
      for (const c of clients) c.destroy();
    },
  };
}
