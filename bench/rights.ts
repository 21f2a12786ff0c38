import { closeCode } from '../shared/protocol';
import { openEventStream } from '../test/helpers/event-stream';
import { buildWorld, type CollabWorld } from '../test/helpers/factories';
import { stockClient, waitFor, type StockClient } from '../test/helpers/yclient';

/**
 * `--only rights`: the latencies the tests used to assert as wall-clock times
 * (they now assert the events, WSH19). Against one Twinpad process, with the
 * stock y-websocket client and the proposal event stream:
 *  - owner change: PATCH ownerPartnerId sent -> the old owner's socket closed with 4001 (COL10);
 *  - approval: PATCH status approved sent -> the owner's socket closed with 4001 (REV9);
 *  - focus: POST /api/meetings/:id/focus sent -> the `focus` event on another member's stream (HIS5).
 * The design's target for each is 1 s.
 */

export const rightsTargetMs = 1000;

export interface Latency {
  samplesMs: number[];
  p50: number;
  max: number;
  targetMs: number;
  /** Every sample within the target. */
  pass: boolean;
}

export interface RightsResult {
  ownerChange: Latency;
  approval: Latency;
  focus: Latency;
}

function latency(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const max = sorted.at(-1) ?? Number.NaN;
  return { samplesMs: samples.map(round), p50: round(sorted[sorted.length >> 1] ?? Number.NaN), max: round(max), targetMs: rightsTargetMs, pass: max < rightsTargetMs };
}

async function patchOk(user: CollabWorld['coordinator'], sectionId: string, body: Record<string, unknown>): Promise<void> {
  const res = await user.patch(`/api/sections/${sectionId}`, body);
  if (res.status !== 200) throw new Error(`PATCH ${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
}

/** The owner's synced socket on `sectionId`, and when it is next closed with 4001. */
async function ownerSocket(url: string, world: CollabWorld, sectionId: string): Promise<{ client: StockClient; downgraded: Promise<number> }> {
  const client = stockClient(url, sectionId, world.editor);
  const downgraded = new Promise<number>((resolve) => {
    client.provider.on('connection-close', (event) => {
      if (event?.code === closeCode.rightsChanged) resolve(performance.now());
    });
  });
  await waitFor(() => client.provider.synced, 10_000, 'owner synced');
  return { client, downgraded };
}

/** Times `change` from the request to the owner's 4001. */
async function timeDowngrade(url: string, world: CollabWorld, sectionId: string, change: () => Promise<void>): Promise<number> {
  const { client, downgraded } = await ownerSocket(url, world, sectionId);
  let timer: NodeJS.Timeout | undefined;
  try {
    const started = performance.now();
    await change();
    const at = await Promise.race([downgraded, new Promise<number>((_, reject) => (timer = setTimeout(() => reject(new Error('no 4001 within 10 s')), 10_000)))]);
    return at - started;
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

export async function runRights(url: string, samples: number): Promise<RightsResult> {
  const world = await buildWorld({ url });
  const leadPartnerId = world.proposal.partners.find((p) => p.id !== world.partnerId)!.id;
  const sections = world.sectionIds;
  if (sections.length < samples + 1) throw new Error(`the proposal has ${sections.length} sections; ${samples + 1} are needed`);

  // Owner change, again and again on one section: give it to the editor's partner, take it back.
  const ownerChange: number[] = [];
  const moved = sections[0]!;
  for (let i = 0; i < samples; i++) {
    await patchOk(world.coordinator, moved, { ownerPartnerId: world.partnerId });
    ownerChange.push(await timeDowngrade(url, world, moved, () => patchOk(world.coordinator, moved, { ownerPartnerId: leadPartnerId })));
  }

  // Approval is final: one section per sample, owned by the editor's partner and in review.
  const approval: number[] = [];
  for (const section of sections.slice(1, samples + 1)) {
    await patchOk(world.coordinator, section, { ownerPartnerId: world.partnerId });
    for (const status of ['drafting', 'ready_for_review', 'in_review']) await patchOk(world.coordinator, section, { status });
    approval.push(await timeDowngrade(url, world, section, () => patchOk(world.coordinator, section, { status: 'approved' })));
  }

  // The facilitator's focus, as another member's event stream receives it.
  const focus: number[] = [];
  const meeting = await world.coordinator.post<{ meeting: { id: string } }>(`/api/proposals/${world.proposal.id}/meetings`, { name: 'Bench', city: 'Bologna', date: '2026-12-01' });
  if (meeting.status !== 201) throw new Error(`start meeting: ${meeting.status} ${JSON.stringify(meeting.body)}`);
  const stream = await openEventStream(url, world.reviewer.cookie, world.proposal.id);
  try {
    for (let i = 0; i < samples; i++) {
      const sectionId = sections[i % sections.length]!;
      const scroll = (i + 1) / (samples + 1);
      const started = performance.now();
      const res = await world.coordinator.post(`/api/meetings/${meeting.body.meeting.id}/focus`, { sectionId, scroll });
      if (res.status !== 204) throw new Error(`focus: ${res.status}`);
      await waitFor(() => stream.events.some((e) => e.type === 'focus' && e.sectionId === sectionId && e.scroll === scroll), 10_000, 'focus event', 1);
      focus.push(performance.now() - started);
    }
  } finally {
    stream.close();
  }
  return { ownerChange: latency(ownerChange), approval: latency(approval), focus: latency(focus) };
}

/** The table rows: p50 and max against the 1 s target, PASS or MISS. */
export function rightsRows(r: RightsResult): [string, string, string][] {
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : 'n/a');
  const rows: [string, Latency][] = [
    ['owner change->4001', r.ownerChange],
    ['approval->4001', r.approval],
    ['focus->stream', r.focus],
  ];
  return rows.map(([name, l]) => [`${name} p50/max`, `${fmt(l.p50)} / ${fmt(l.max)}`, `< ${l.targetMs} ms ${l.pass ? 'PASS' : 'MISS'}`]);
}
