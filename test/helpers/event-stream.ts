import { streamEventSchema, type StreamEvent } from '../../shared/schemas/review';

/** A proposal's event stream as a test reads it. */
export interface EventStream {
  status: number;
  /** Every event so far, parsed with the shared schema. */
  events: StreamEvent[];
  /** The server ended the stream. */
  ended: boolean;
  close(): void;
}

/** Reads `GET /api/proposals/:id/events` as a browser's EventSource would, parsing each event with the shared schema. */
export async function openEventStream(baseUrl: string, cookie: string | undefined, proposalId: string): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/proposals/${proposalId}/events`, { headers: { cookie: cookie ?? '' }, signal: abort.signal });
  const stream: EventStream = { status: res.status, events: [], ended: false, close: () => abort.abort() };
  if (res.status !== 200 || !res.body) return stream;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) {
          stream.ended = true;
          return;
        }
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
          if (data) stream.events.push(streamEventSchema.parse(JSON.parse(data)));
        }
      }
    } catch {
      /* aborted */
    }
  })();
  return stream;
}
