import { streamEventSchema, type PresenceUser, type StreamEvent } from '../../../shared/schemas/review';

/**
 * One EventSource per open proposal (`GET /api/proposals/:id/events`), shared by
 * every view of that proposal through acquire/release. Events are parsed with
 * the shared streamEventSchema; anything else is ignored.
 */

export type StreamState = 'connecting' | 'open' | 'closed';
type Listener = (event: StreamEvent) => void;

/** Every event name the server sends (a new one must be listed, or the EventSource never hears it). */
const eventNames: Record<StreamEvent['type'], true> = {
  section: true,
  completeness: true,
  comment: true,
  proposal: true,
  presence: true,
  activity: true,
  meeting: true,
  focus: true,
  mention: true,
  restored: true,
  rights: true,
  superseded: true,
};
const eventTypes = Object.keys(eventNames);

export class ProposalStream {
  private source: EventSource | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly stateListeners = new Set<() => void>();
  private state: StreamState = 'connecting';
  private closed = false;
  private unwatch: (() => void) | null = null;
  /** Who is in which section, once the server has sent presence; null until then. */
  private presence: ReadonlyMap<string, readonly PresenceUser[]> | null = null;
  refs = 0;

  constructor(readonly proposalId: string) {
    if (typeof EventSource === 'undefined') {
      this.state = 'closed';
      return;
    }
    this.connect();
  }

  private connect(): void {
    const source = new EventSource(`/api/proposals/${encodeURIComponent(this.proposalId)}/events`);
    this.source = source;
    const handle = (msg: MessageEvent<string>) => this.dispatch(msg.data);
    for (const type of eventTypes) source.addEventListener(type, handle);
    source.onmessage = handle;
    source.onopen = () => this.setState('open');
    source.onerror = () => this.setState(source.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
  }

  /**
   * The server ended this stream because the user opened more elsewhere (SEC27): stay
   * closed (views poll while visible) and reconnect when this tab is shown again, which
   * in turn ends the user's oldest stream, most likely a hidden tab's.
   */
  private supersede(): void {
    this.source?.close();
    this.source = null;
    this.setState('closed');
    if (typeof document === 'undefined') return;
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      document.removeEventListener('visibilitychange', onVisible);
      if (this.closed || this.source) return;
      this.setState('connecting');
      this.connect();
    };
    document.addEventListener('visibilitychange', onVisible);
    this.unwatch = () => document.removeEventListener('visibilitychange', onVisible);
  }

  getState = (): StreamState => this.state;
  getPresence = (): ReadonlyMap<string, readonly PresenceUser[]> | null => this.presence;

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  close(): void {
    this.closed = true;
    this.unwatch?.();
    this.source?.close();
    this.source = null;
    this.listeners.clear();
    this.stateListeners.clear();
  }

  /** Parses one event's data; exported behaviour for tests through `dispatch`. */
  dispatch(data: string): void {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = streamEventSchema.safeParse(json);
    if (!parsed.success) return;
    const event = parsed.data;
    if (event.type === 'superseded') this.supersede();
    if (event.type === 'presence') {
      this.presence = new Map(Object.entries(event.sections));
      this.notify();
    }
    for (const l of [...this.listeners]) l(event);
  }

  private setState(state: StreamState): void {
    if (this.state === state) return;
    this.state = state;
    this.notify();
  }

  private notify(): void {
    for (const l of [...this.stateListeners]) l();
  }
}

const streams = new Map<string, ProposalStream>();
const RELEASE_GRACE_MS = 1000;

/** The proposal's stream, opened on first use and closed shortly after the last release. */
export function acquireStream(proposalId: string): ProposalStream {
  let stream = streams.get(proposalId);
  if (!stream) {
    stream = new ProposalStream(proposalId);
    streams.set(proposalId, stream);
  }
  stream.refs++;
  return stream;
}

export function releaseStream(stream: ProposalStream): void {
  stream.refs--;
  setTimeout(() => {
    if (stream.refs > 0 || streams.get(stream.proposalId) !== stream) return;
    streams.delete(stream.proposalId);
    stream.close();
  }, RELEASE_GRACE_MS);
}
