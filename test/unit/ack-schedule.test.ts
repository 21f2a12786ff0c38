import { describe, expect, it } from 'vitest';
import { AckTracker } from '../../client/collab/ack-tracker';
import { SocketBudget, type BudgetRefusal } from '../../server/collab/socket-budget';
import { limits } from '../../shared/limits';
import { accessCode, encodeExtensionFrame } from '../../shared/protocol';
import { prng as seeded } from '../helpers/random-edits';

/**
 * One hour of human typing on a simulated clock: the client's real frame and
 * acknowledgement schedule (client/collab/ack-tracker.ts) against the server's
 * real limit objects (server/collab/socket-budget.ts). Everything else (network
 * latency, group commit, relays, keepalives) is a small model of the server.
 */


/** A simulated clock with an ordered event queue. */
class Sim {
  now = 0;
  private seq = 0;
  private readonly queue: { at: number; seq: number; run: () => void }[] = [];

  at(at: number, run: () => void): void {
    const ev = { at, seq: this.seq++, run };
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = this.queue[mid]!;
      if (q.at < at || (q.at === at && q.seq < ev.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, ev);
  }

  after(ms: number, run: () => void): void {
    this.at(this.now + ms, run);
  }

  runUntil(end: number): void {
    while (this.queue.length > 0 && this.queue[0]!.at <= end) {
      const ev = this.queue.shift()!;
      this.now = ev.at;
      ev.run();
    }
    this.now = end;
  }
}

type ClientFrame = 'step1' | 'step2' | 'update' | 'awareness';
type ServerFrame = { kind: 'step1' } | { kind: 'step2' } | { kind: 'update' } | { kind: 'ack'; count: number } | { kind: 'keepalive' } | { kind: 'access' };

interface Traffic {
  ackFrames: number;
  ackBytes: number;
  keepaliveFrames: number;
  keepaliveBytes: number;
}

/** The server's side of one socket: the real budget, plus a model of what it sends. */
class ServerSocket {
  readonly budget: SocketBudget;
  handled = 0;
  sentSinceTick = false;
  refusal: BudgetRefusal | null = null;
  closed = false;

  constructor(
    readonly sim: Sim,
    readonly deliver: (frame: ServerFrame) => void,
    readonly traffic: Traffic,
  ) {
    this.budget = new SocketBudget(() => sim.now);
  }

  send(frame: ServerFrame): void {
    if (this.closed) return;
    this.sentSinceTick = true;
    if (frame.kind === 'ack') {
      this.traffic.ackFrames++;
      this.traffic.ackBytes += encodeExtensionFrame({ type: 'ack', count: frame.count }).byteLength;
    } else if (frame.kind === 'keepalive') {
      this.traffic.keepaliveFrames++;
      this.traffic.keepaliveBytes += encodeExtensionFrame({ type: 'keepalive' }).byteLength;
    }
    this.deliver(frame);
  }
}

/** Group commit: frames handled while a commit runs go into the next one; one ack per socket per batch. */
class Committer {
  private running = false;
  private next = new Map<ServerSocket, number>();

  constructor(
    private readonly sim: Sim,
    private readonly random: () => number,
  ) {}

  handled(socket: ServerSocket): void {
    this.next.set(socket, socket.handled);
    if (!this.running) this.start();
  }

  private start(): void {
    const batch = this.next;
    this.next = new Map();
    this.running = true;
    this.sim.after(2 + this.random() * 25, () => {
      for (const [socket, count] of batch) socket.send({ kind: 'ack', count });
      this.running = false;
      if (this.next.size > 0) this.start();
    });
  }
}

interface Tab {
  tracker: AckTracker;
  server: ServerSocket | null;
  /** One-way latency of this tab's link (FIFO both ways). */
  latency: number;
  lastAwarenessAt: number;
  /** Bumped per socket, so frames of a closed socket are dropped. */
  socketId: number;
}

interface RunResult {
  refusals: { tab: number; at: number; reason: BudgetRefusal }[];
  silences: number;
  unsyncedAtEnd: number[];
  keys: number;
  traffic: Traffic;
}

/** Three tabs of one account type in one section for `durationMs` of simulated time. */
function runWorkshopHour(seed: number, durationMs: number): RunResult {
  const random = seeded(seed);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const sim = new Sim();
  const committer = new Committer(sim, random);
  const traffic: Traffic = { ackFrames: 0, ackBytes: 0, keepaliveFrames: 0, keepaliveBytes: 0 };
  const result: RunResult = { refusals: [], silences: 0, unsyncedAtEnd: [], keys: 0, traffic };
  const tabs: Tab[] = [];

  const refuse = (tab: Tab, reason: BudgetRefusal) => {
    result.refusals.push({ tab: tabs.indexOf(tab), at: sim.now, reason });
    drop(tab);
    sim.after(500, () => connect(tab));
  };

  /** A frame from a tab reaches the server after the link's latency and spends the real budget. */
  const toServer = (tab: Tab, frame: ClientFrame) => {
    const server = tab.server;
    if (!server) return;
    sim.after(tab.latency, () => {
      if (server.closed) return;
      const spent = server.budget.frame() ?? (frame === 'step1' ? server.budget.syncRequest() : null);
      if (spent) return refuse(tab, spent);
      switch (frame) {
        case 'step1':
          server.send({ kind: 'step2' });
          return;
        case 'step2':
        case 'update':
          server.handled++;
          committer.handled(server);
          if (frame === 'update') for (const other of tabs) if (other !== tab) other.server?.send({ kind: 'update' });
          return;
        case 'awareness':
          return;
      }
    });
  };

  const toClient = (tab: Tab, socketId: number, frame: ServerFrame) => {
    sim.after(tab.latency, () => {
      if (tab.socketId !== socketId || !tab.server) return;
      tab.tracker.heard(sim.now);
      switch (frame.kind) {
        case 'step1':
          // The provider answers the server's sync step 1 with its sync step 2.
          tab.tracker.sentStep2();
          toServer(tab, 'step2');
          return;
        case 'ack':
          tab.tracker.acked(frame.count);
          return;
        case 'access':
          tab.tracker.access(accessCode.readWrite);
          return;
        case 'step2':
        case 'update':
        case 'keepalive':
          return;
      }
    });
  };

  const connect = (tab: Tab) => {
    const socketId = ++tab.socketId;
    const server = new ServerSocket(sim, (frame) => toClient(tab, socketId, frame), traffic);
    tab.server = server;
    sim.after(tab.latency, () => {
      if (tab.socketId !== socketId) return;
      // Server side of the open: access, then its sync step 1.
      server.send({ kind: 'access' });
      server.send({ kind: 'step1' });
      // Client side of the open (the provider): sync step 1 and the awareness state.
      tab.tracker.opened(sim.now, true);
      toServer(tab, 'step1');
      toServer(tab, 'awareness');
      tab.lastAwarenessAt = sim.now;
    });
  };

  const drop = (tab: Tab) => {
    if (tab.server) tab.server.closed = true;
    tab.server = null;
    tab.socketId++;
    tab.tracker.closed();
  };

  const keystroke = (tab: Tab) => {
    result.keys++;
    const seq = tab.tracker.localEdit();
    if (tab.server && tab.tracker.maySendUpdates()) {
      tab.tracker.sentUpdate(seq);
      toServer(tab, 'update');
    }
    // y-prosemirror's cursor plugin publishes the new selection after each keystroke.
    if (tab.server) {
      toServer(tab, 'awareness');
      tab.lastAwarenessAt = sim.now;
    }
  };

  const typeBurst = (tab: Tab) => {
    if (sim.now >= durationMs) return;
    const keys = 1 + Math.floor(random() * 30);
    let t = 0;
    for (let i = 0; i < keys; i++) {
      t += between(60, 250);
      sim.after(t, () => keystroke(tab));
    }
    sim.after(t + between(50, 5000), () => typeBurst(tab));
  };

  for (let i = 0; i < 3; i++) {
    const tab: Tab = { tracker: new AckTracker(), server: null, latency: between(5, 80), lastAwarenessAt: 0, socketId: 0 };
    tabs.push(tab);
    connect(tab);
    sim.after(between(500, 3000), () => typeBurst(tab));
    // A reconnect now and then (Wi-Fi roaming, a laptop lid): every 4 to 12 minutes.
    const reconnectLater = () => {
      sim.after(between(4 * 60_000, 12 * 60_000), () => {
        if (sim.now >= durationMs) return;
        drop(tab);
        sim.after(between(250, 4000), () => connect(tab));
        reconnectLater();
      });
    };
    reconnectLater();
  }

  // The client's own clock work (watchdog, anything scheduled) and the awareness renewal.
  const clientTick = () => {
    for (const tab of tabs) {
      if (tab.tracker.poll(sim.now)?.kind === 'silent') result.silences++;
      // y-protocols' Awareness renews the local state every 15 s (checked every 3 s).
      if (tab.server && sim.now - tab.lastAwarenessAt >= 15_000) {
        toServer(tab, 'awareness');
        tab.lastAwarenessAt = sim.now;
      }
    }
    if (sim.now < durationMs + 20_000) sim.after(25, clientTick);
  };
  sim.after(25, clientTick);

  // The server's keepalive tick: a socket sent nothing since the last tick gets a keepalive.
  const serverTick = () => {
    for (const tab of tabs) {
      const server = tab.server;
      if (!server) continue;
      if (!server.sentSinceTick) server.send({ kind: 'keepalive' });
      server.sentSinceTick = false;
    }
    if (sim.now < durationMs + 20_000) sim.after(limits.keepaliveMs / 2, serverTick);
  };
  sim.after(limits.keepaliveMs / 2, serverTick);

  sim.runUntil(durationMs + 20_000);
  result.unsyncedAtEnd = tabs.map((t) => t.tracker.unsynced);
  return result;
}

describe('acknowledgement schedule against the real limits (simulated clock)', () => {
  it('WSH1: one hour of bursty typing in three tabs of one account is never refused, and every edit is acknowledged', () => {
    const hour = 60 * 60_000;
    const r = runWorkshopHour(15, hour);
    const minutes = hour / 60_000;
    const perSocket = (n: number) => (n / minutes / 3).toFixed(1);
    console.log(
      `[WSH1] ${r.keys} keys in ${minutes} min, 3 sockets; per socket and minute: ` +
        `${perSocket(r.traffic.ackFrames)} ack frames (${perSocket(r.traffic.ackBytes)} B), ` +
        `${perSocket(r.traffic.keepaliveFrames)} keepalives (${perSocket(r.traffic.keepaliveBytes)} B)`,
    );
    expect(r.keys).toBeGreaterThan(10_000);
    expect(r.refusals.slice(0, 5)).toEqual([]);
    expect(r.silences).toBe(0);
    expect(r.unsyncedAtEnd).toEqual([0, 0, 0]);
  });

  it('WSH1: a sync-step-1 loop is still closed with "too many sync requests"', () => {
    let now = 0;
    const budget = new SocketBudget(() => now);
    let refusal: BudgetRefusal | null = null;
    for (let i = 0; i < 100 && !refusal; i++) {
      now += 200;
      refusal = budget.frame() ?? budget.syncRequest();
    }
    expect(refusal).toBe('too_many_sync_requests');
    expect(now).toBeLessThan(5_000);
  });

  it('WSH1: an update flood is still closed with "too many messages"', () => {
    let now = 0;
    const budget = new SocketBudget(() => now);
    let refusal: BudgetRefusal | null = null;
    for (let i = 0; i < 100_000 && !refusal; i++) {
      now += 1; // 1,000 frames a second
      refusal = budget.frame();
    }
    expect(refusal).toBe('too_many_messages');
    expect(now).toBeLessThan(10_000);
  });
});

describe('the client ack bookkeeping (ack-tracker)', () => {
  it('WSH2: acks map to edits exactly: step 2 confirms every edit before it, updates after it one by one, updates before it only with it', () => {
    const t = new AckTracker();
    t.localEdit(); // typed offline: only a sync step 2 carries it
    t.opened(0, true);
    t.access(accessCode.readWrite);
    t.sentUpdate(t.localEdit()); // sent before our step 2: may wait on the server for edit 1
    t.sentStep2(); // carries edits 1 and 2
    t.sentUpdate(t.localEdit());
    t.sentUpdate(t.localEdit());
    expect(t.unsynced).toBe(4);
    t.acked(1); // the early update alone: not confirmed on its own
    expect(t.unsynced).toBe(4);
    t.acked(2); // the step 2
    expect(t.unsynced).toBe(2);
    t.acked(4);
    expect(t.unsynced).toBe(0);
    t.acked(9); // more than was sent: never confirms anything it did not send
    t.localEdit();
    expect(t.unsynced).toBe(1);
  });

  it('WSH2: a socket that closes loses its unacknowledged frames; the next sync step 2 confirms them', () => {
    const t = new AckTracker();
    t.opened(0, true);
    t.sentStep2();
    t.acked(1);
    t.sentUpdate(t.localEdit());
    t.sentUpdate(t.localEdit());
    t.closed();
    t.acked(2); // a late ack of the old socket is ignored
    expect(t.unsynced).toBe(2);
    t.opened(10, true);
    t.sentStep2();
    t.acked(1);
    expect(t.unsynced).toBe(0);
  });

  it('WSH4: edits are sent only while the socket is read-write and the workspace allows editing; after an upgrade the step 2 confirms what was kept back', () => {
    const t = new AckTracker();
    t.opened(0, true);
    t.access(accessCode.readOnly);
    expect(t.maySendUpdates()).toBe(false);
    expect(t.socketBehindWorkspace).toBe(true);
    t.sentStep2();
    t.acked(1);
    t.localEdit(); // kept back
    t.access(accessCode.readWrite);
    expect(t.maySendUpdates()).toBe(true);
    t.sentUpdate(t.localEdit()); // the first keystroke after the upgrade, before our new step 2
    t.sentStep2();
    t.acked(2);
    expect(t.unsynced).toBe(2);
    t.acked(3);
    expect(t.unsynced).toBe(0);
    t.setWorkspaceReadOnly(true);
    expect(t.maySendUpdates()).toBe(false);
    // Stock protocol: no access frame, the workspace's abilities decide.
    const stock = new AckTracker();
    stock.opened(0, false);
    expect(stock.maySendUpdates()).toBe(true);
  });

  it('WSH3: an extension socket silent for clientSilenceMs is reported; a stock socket never is', () => {
    const t = new AckTracker();
    t.opened(0, true);
    t.heard(1000);
    expect(t.poll(1000 + limits.clientSilenceMs - 1)).toBeNull();
    expect(t.poll(1000 + limits.clientSilenceMs)).toEqual({ kind: 'silent' });
    const stock = new AckTracker();
    stock.opened(0, false);
    expect(stock.poll(10 * limits.clientSilenceMs)).toBeNull();
    // Over twice the keepalive, and offline is shown within 5 s of the last frame (the watchdog looks every 250 ms).
    expect(limits.clientSilenceMs).toBeGreaterThan(2 * limits.keepaliveMs);
    expect(limits.clientSilenceMs + 250).toBeLessThanOrEqual(5000);
  });
});
