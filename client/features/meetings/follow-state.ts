import type { Meeting } from '../../../shared/schemas/history';

/**
 * Workshop mode's client state as a pure reducer: which meeting is open, where
 * its facilitator is, and whether this participant follows them. Plus the
 * scroll arithmetic shared by the facilitator (reporting) and followers and the
 * projector (applying), and a trailing throttle for the reports.
 */

export interface Focus {
  readonly sectionId: string | null;
  /** 0..1 through the facilitator's scroll range. */
  readonly scroll: number;
}

export interface MeetingView {
  readonly meeting: Meeting | null;
  readonly focus: Focus | null;
  readonly following: boolean;
}

export type MeetingAction =
  | { type: 'loaded'; meetings: readonly Meeting[] }
  | { type: 'focus'; meetingId: string; sectionId: string | null; scroll: number }
  | { type: 'follow' }
  | { type: 'unfollow' };

export const initialMeetingView: MeetingView = { meeting: null, focus: null, following: false };

/** The open meeting of a list (the server puts it first), or null. */
export function openMeeting(meetings: readonly Meeting[]): Meeting | null {
  return meetings.find((m) => m.endedAt === null) ?? null;
}

export function meetingReducer(state: MeetingView, action: MeetingAction): MeetingView {
  switch (action.type) {
    case 'loaded': {
      const meeting = openMeeting(action.meetings);
      if (!meeting) return initialMeetingView;
      const same = state.meeting?.id === meeting.id;
      // A refetch must not move focus back to an older position than a live event gave us.
      return { meeting, focus: same && state.focus ? state.focus : meeting.focus, following: same ? state.following : false };
    }
    case 'focus':
      if (!state.meeting || state.meeting.id !== action.meetingId) return state;
      return { ...state, focus: { sectionId: action.sectionId, scroll: clamp01(action.scroll) } };
    case 'follow':
      return state.meeting ? { ...state, following: true } : state;
    case 'unfollow':
      return { ...state, following: false };
  }
}

export function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0;
}

/** How far through its scroll range an element is, 0..1 (0 when it does not scroll). */
export function scrollFraction(scrollTop: number, scrollHeight: number, clientHeight: number): number {
  const range = scrollHeight - clientHeight;
  return range <= 0 ? 0 : clamp01(scrollTop / range);
}

/** The scrollTop that puts an element `fraction` through its scroll range. */
export function scrollTopFor(fraction: number, scrollHeight: number, clientHeight: number): number {
  return Math.round(clamp01(fraction) * Math.max(0, scrollHeight - clientHeight));
}

/**
 * Calls `send` at most once per `ms` with the latest value: the first call goes
 * at once, later ones within the window are coalesced into one trailing call.
 */
export class Throttle<T> {
  private last = -Infinity;
  private pending: { value: T } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly ms: number,
    private readonly send: (value: T) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  push(value: T): void {
    const wait = this.last + this.ms - this.now();
    if (wait <= 0 && !this.timer) {
      this.fire(value);
      return;
    }
    this.pending = { value };
    if (!this.timer) this.timer = setTimeout(() => this.flush(), Math.max(0, wait));
  }

  /** Sends a pending value now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const p = this.pending;
    this.pending = null;
    if (p) this.fire(p.value);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private fire(value: T): void {
    this.last = this.now();
    this.send(value);
  }
}

/**
 * Sends one value at a time, in order: while a send is in flight, only the
 * latest new value waits (older ones are dropped), so the server never sees an
 * older focus after a newer one.
 */
export class LatestSender<T> {
  private inFlight = false;
  private pending: { value: T } | null = null;

  constructor(private readonly send: (value: T) => Promise<unknown>) {}

  push(value: T): void {
    if (this.inFlight) {
      this.pending = { value };
      return;
    }
    this.inFlight = true;
    void this.send(value)
      .catch(() => undefined)
      .finally(() => {
        this.inFlight = false;
        const next = this.pending;
        this.pending = null;
        if (next) this.push(next.value);
      });
  }
}
