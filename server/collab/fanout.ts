/**
 * Fan-out between instances. A room publishes every update after its commit;
 * with REDIS_URL (a later issue) a Redis publisher sends it on `room:<docId>`
 * and other instances apply it with a `fanout` origin. Until then: a no-op.
 */
export interface FanoutMessage {
  docId: string;
  update: Uint8Array;
}

export type Publish = (message: FanoutMessage) => void;

export const noopPublish: Publish = () => {};
