import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { ChangeAuthor, DiffRun, Meeting, PartnerContribution } from '../../shared/schemas/history';
import { activeContributions, authorLabel, colourFor, mergeRuns, partnerColours, partnerPalette, runTitle } from '../../client/features/history/diff-runs';
import {
  initialMeetingView,
  meetingReducer,
  openMeeting,
  scrollFraction,
  scrollTopFor,
  LatestSender,
  Throttle,
  type MeetingView,
} from '../../client/features/meetings/follow-state';
import { fragmentBlocks } from '../../shared/document/text-blocks';
import { latestSnapshotFor } from '../../client/features/history/snapshot-pick';
import type { Snapshot } from '../../shared/schemas/review';

const lena: ChangeAuthor = { userId: 'u1', name: 'Lena Luleå', partnerId: 'p-se', partnerName: 'Luleå kommun', country: 'SE' };
const bruno: ChangeAuthor = { userId: 'u2', name: 'Bruno Bologna', partnerId: 'p-it', partnerName: 'Comune di Bologna', country: 'IT' };

describe('diff runs (client)', () => {
  it('HIS-C1: neighbouring runs of one kind by one person merge; runs by different people or kinds stay apart; empty runs go', () => {
    const runs: DiffRun[] = [
      { op: 'same', text: 'Young ' },
      { op: 'same', text: 'people ' },
      { op: 'insert', text: 'from ', author: lena },
      { op: 'insert', text: 'Luleå ', author: lena },
      { op: 'insert', text: 'and Bologna ', author: bruno },
      { op: 'delete', text: 'meet', author: bruno },
      { op: 'insert', text: '', author: bruno },
      { op: 'same', text: ' here' },
    ];
    expect(mergeRuns(runs)).toEqual([
      { op: 'same', text: 'Young people ' },
      { op: 'insert', text: 'from Luleå ', author: lena },
      { op: 'insert', text: 'and Bologna ', author: bruno },
      { op: 'delete', text: 'meet', author: bruno },
      { op: 'same', text: ' here' },
    ]);
  });

  it('HIS-C1: a change is titled with its author, partner and country; unchanged text has no title', () => {
    const words = { inserted: (w: string) => `Inserted by ${w}`, deleted: (w: string) => `Deleted by ${w}` };
    expect(runTitle({ op: 'insert', text: 'x', author: lena }, words)).toBe('Inserted by Lena Luleå · Luleå kommun (SE)');
    expect(runTitle({ op: 'delete', text: 'x', author: bruno }, words)).toBe('Deleted by Bruno Bologna · Comune di Bologna (IT)');
    expect(runTitle({ op: 'same', text: 'x' }, words)).toBeUndefined();
    expect(authorLabel({ name: 'Ghost', partnerName: null, country: null })).toBe('Ghost');
  });

  it('HIS-C1: each partner gets its own colour in partner order; unknown partners share a neutral one', () => {
    const colours = partnerColours(['p-it', 'p-se', 'p-es']);
    expect(colourFor(colours, 'p-it')).toBe(partnerPalette[0]);
    expect(colourFor(colours, 'p-se')).toBe(partnerPalette[1]);
    expect(new Set([colourFor(colours, 'p-it'), colourFor(colours, 'p-se'), colourFor(colours, 'p-es')]).size).toBe(3);
    expect(colourFor(colours, null)).toBe(colourFor(colours, 'p-unknown'));
    expect(partnerPalette).not.toContain(colourFor(colours, null));
  });

  it('HIS-C1: the partner summary lists only partners who changed something, most first', () => {
    const c = (id: string, ins: number, del: number): PartnerContribution => ({ partnerId: id, partnerName: id, country: null, insertedChars: ins, deletedChars: del, people: [] });
    expect(activeContributions([c('a', 1, 0), c('b', 0, 0), c('c', 10, 5)]).map((x) => x.partnerId)).toEqual(['c', 'a']);
  });
});

function meeting(id: string, over: Partial<Meeting> = {}): Meeting {
  return {
    id,
    proposalId: 'p',
    name: 'Luleå',
    city: 'Luleå',
    date: '2026-11-27',
    facilitator: { id: 'u-chiara', name: 'Chiara' },
    startSnapshotId: 's1',
    endSnapshotId: null,
    startedAt: '2026-11-27T10:00:00Z',
    endedAt: null,
    focus: { sectionId: 'sec-1', scroll: 0 },
    ...over,
  };
}

describe('workshop follow state', () => {
  it('HIS-C2: the open meeting is the one not ended; its focus is the starting point; following is off until chosen', () => {
    expect(openMeeting([meeting('old', { endedAt: '2026-01-01T00:00:00Z' })])).toBeNull();
    const s = meetingReducer(initialMeetingView, { type: 'loaded', meetings: [meeting('m1'), meeting('old', { endedAt: 'x' })] });
    expect(s.meeting?.id).toBe('m1');
    expect(s.focus).toEqual({ sectionId: 'sec-1', scroll: 0 });
    expect(s.following).toBe(false);
  });

  it('HIS-C2: focus events of the open meeting move the focus (scroll clamped); other meetings’ events are ignored', () => {
    let s: MeetingView = meetingReducer(initialMeetingView, { type: 'loaded', meetings: [meeting('m1')] });
    s = meetingReducer(s, { type: 'focus', meetingId: 'm1', sectionId: 'sec-2', scroll: 0.5 });
    expect(s.focus).toEqual({ sectionId: 'sec-2', scroll: 0.5 });
    expect(meetingReducer(s, { type: 'focus', meetingId: 'm2', sectionId: 'sec-9', scroll: 0 })).toBe(s);
    expect(meetingReducer(s, { type: 'focus', meetingId: 'm1', sectionId: null, scroll: 7 }).focus).toEqual({ sectionId: null, scroll: 1 });
    // A refetch of the same meeting keeps the newer live focus.
    expect(meetingReducer(s, { type: 'loaded', meetings: [meeting('m1')] }).focus).toEqual({ sectionId: 'sec-2', scroll: 0.5 });
  });

  it('HIS-C2: follow and unfollow with one action each; following stops when the meeting ends; no following without a meeting', () => {
    expect(meetingReducer(initialMeetingView, { type: 'follow' }).following).toBe(false);
    let s = meetingReducer(initialMeetingView, { type: 'loaded', meetings: [meeting('m1')] });
    s = meetingReducer(s, { type: 'follow' });
    expect(s.following).toBe(true);
    expect(meetingReducer(s, { type: 'loaded', meetings: [meeting('m1')] }).following).toBe(true);
    expect(meetingReducer(s, { type: 'unfollow' }).following).toBe(false);
    const ended = meetingReducer(s, { type: 'loaded', meetings: [meeting('m1', { endedAt: '2026-11-27T12:00:00Z', endSnapshotId: 's2' })] });
    expect(ended).toEqual(initialMeetingView);
    expect(meetingReducer(s, { type: 'loaded', meetings: [meeting('m2')] }).following).toBe(false);
  });

  it('HIS-C2: scroll positions are fractions of the scroll range, both ways', () => {
    expect(scrollFraction(0, 1000, 1000)).toBe(0);
    expect(scrollFraction(250, 1500, 500)).toBe(0.25);
    expect(scrollFraction(5000, 1500, 500)).toBe(1);
    expect(scrollTopFor(0.25, 1500, 500)).toBe(250);
    expect(scrollTopFor(0.5, 400, 500)).toBe(0);
  });
});

describe('focus report throttle', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('HIS-C3: the first report goes at once; reports within 200 ms coalesce into one trailing report with the latest value', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const th = new Throttle<number>(200, (v) => sent.push(v));
    th.push(1);
    expect(sent).toEqual([1]);
    th.push(2);
    th.push(3);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(199);
    expect(sent).toEqual([1]);
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([1, 3]);
    vi.advanceTimersByTime(1000);
    th.push(4);
    expect(sent).toEqual([1, 3, 4]);
    th.push(5);
    th.cancel();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([1, 3, 4]);
  });
});

describe('focus report order', () => {
  it('HIS-C6: focus reports go one at a time, in order; while one is in flight only the latest waits', async () => {
    const sent: number[] = [];
    const releases: (() => void)[] = [];
    const sender = new LatestSender<number>((v) => {
      sent.push(v);
      return new Promise<void>((resolve) => releases.push(resolve));
    });
    sender.push(1);
    sender.push(2);
    sender.push(3);
    expect(sent).toEqual([1]);
    releases.shift()?.();
    await waitFor(() => sent.length === 2);
    expect(sent).toEqual([1, 3]);
    sender.push(4);
    expect(sent).toEqual([1, 3]);
    releases.shift()?.();
    await waitFor(() => sent.length === 3);
    expect(sent).toEqual([1, 3, 4]);
  });
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
}

describe('projector text', () => {
  it('HIS-C4: a section document reads as plain blocks: headings with levels, paragraphs, list items, hard breaks; marks are dropped', () => {
    const doc = new Y.Doc();
    const fragment = doc.getXmlFragment('default');
    const el = (name: string, children: (Y.XmlElement | Y.XmlText)[], attrs: Record<string, string> = {}) => {
      const e = new Y.XmlElement(name);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      e.insert(0, children);
      return e;
    };
    const bold = new Y.XmlText();
    fragment.insert(0, [
      el('heading', [new Y.XmlText('Aims')], { level: '2' }),
      el('paragraph', [bold, el('hardBreak', []), new Y.XmlText('second line')]),
      el('bulletList', [el('listItem', [el('paragraph', [new Y.XmlText('<b>not markup</b>')])])]),
      el('paragraph', []),
    ]);
    bold.insert(0, 'Bold', { bold: true });
    bold.insert(4, ' words');
    expect(fragmentBlocks(fragment)).toEqual([
      { kind: 'heading', level: 2, text: 'Aims' },
      { kind: 'paragraph', level: null, text: 'Bold words\nsecond line' },
      { kind: 'listItem', level: null, text: '<b>not markup</b>' },
      { kind: 'paragraph', level: null, text: '' },
    ]);
    doc.destroy();
  });
});

describe('section changes default', () => {
  it('HIS-C5: a section\u2019s changes start from the newest snapshot holding it: whole-proposal or of that section, never another section\u2019s', () => {
    const snap = (id: string, sectionId: string | null, createdAt: string): Snapshot => ({ id, name: id, label: { kind: 'manual', params: { name: id } }, kind: 'manual', sectionId, createdBy: null, createdAt, sections: 1 });
    const list = [snap('old', null, '2026-01-01T00:00:00Z'), snap('mine', 'sec-1', '2026-02-01T00:00:00Z'), snap('other', 'sec-2', '2026-03-01T00:00:00Z')];
    expect(latestSnapshotFor(list, 'sec-1')?.id).toBe('mine');
    expect(latestSnapshotFor(list, 'sec-3')?.id).toBe('old');
    expect(latestSnapshotFor([], 'sec-1')).toBeNull();
  });
});
