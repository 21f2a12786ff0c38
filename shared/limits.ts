/**
 * Every size, rate and length limit in Twinpad, defined once. The zod schemas,
 * the WebSocket server (`maxPayload`), the rooms and the UI all read these.
 */
export const limits = {
  /** Largest WebSocket frame accepted; a bigger one closes the socket with 1009. */
  maxPayloadBytes: 2 * 1024 * 1024,
  /** A section's encoded Yjs document may not grow past this. */
  maxDocBytes: 5 * 1024 * 1024,
  /**
   * Deepest nesting of a section's document (blockquote in list in table ...). An update
   * that would nest deeper is refused before it is stored (`closeCode.documentTooDeep`);
   * readers flatten anything deeper that was stored before the limit existed.
   */
  maxDocumentDepth: 64,
  /** Token bucket per socket: sustained messages per second ... */
  messagesPerSecond: 200,
  /** ... and the burst a socket may send at once (fast typists, reconnect catch-up). */
  messageBurst: 2000,
  /**
   * Sync step 1 makes the server encode the document (work grows with its size), and
   * clients send one per connection (plus an optional periodic resync): a separate
   * bucket of this burst, refilled at this rate, keeps a few bytes from costing megabytes.
   */
  syncRequestBurst: 5,
  syncRequestsPerMinute: 30,
  /** Bytes a socket may have waiting to be processed before it is closed as a flood. */
  maxQueuedBytesPerSocket: 8 * 1024 * 1024,
  /**
   * Send backpressure: bytes sent to a socket that it has not read yet (ws `bufferedAmount`).
   * Past this the socket is closed with `closeCode.sendBacklog`. Above one whole-document
   * reply (`maxDocBytes`), so a slow honest client on bad Wi-Fi still gets its first sync.
   */
  maxUnsentBytesPerSocket: 8 * 1024 * 1024,
  /** Open collab sockets one user may hold on one instance (tabs x open sections); the next upgrade gets 429. */
  maxSocketsPerUser: 64,
  /** Open collab sockets on one instance; past it an upgrade gets 503 before the WebSocket exists (config MAX_CONNECTIONS overrides). */
  maxConnectionsPerInstance: 20_000,
  /**
   * Frames are handled at once until this much time (ms) is spent on frames in one
   * event-loop turn, by all sockets together; the rest wait for the next turn, so a
   * burst never blocks every other room for long.
   */
  frameBudgetMs: 20,
  /**
   * Awareness fan-out: a room relays its sockets' awareness changes together, at most
   * once per window. The window is `awarenessRelayMs` (cursors stay live in a small
   * room) and widens with the room's sockets so that the room sends at most
   * `awarenessFramesPerRoomSecond` awareness frames a second in all, however many
   * clients move their cursors: each socket gets at most 1000 / window a second (50 in
   * a pair, 25 with 10 sockets, 5 with 50, 1 with 250).
   */
  awarenessRelayMs: 20,
  awarenessFramesPerRoomSecond: 250,
  /** Largest awareness state one client may publish, in bytes of JSON. */
  maxAwarenessStateBytes: 8 * 1024,
  /** Awareness client IDs one socket may control (the one it announced first). */
  maxAwarenessClientsPerSocket: 1,
  /**
   * Content a room parks while it waits for the updates it depends on (keystrokes sent
   * right after a reconnect, before the sync that carries the offline part). Yjs merges
   * the parked content into every later update, so it is kept small; past it the
   * socket is closed and the client resyncs on reconnect (nothing is lost).
   */
  maxPendingBytes: 8 * 1024,
  /** Compact a section's update log past this many rows ... */
  compactAfterRows: 500,
  /** ... or past this many bytes. */
  compactAfterBytes: 1024 * 1024,
  /**
   * A compaction re-encodes the whole document: a room compacts at most once in this
   * time (ms), unless its log passes 10x the row or byte limit, so a flood of updates
   * cannot keep the event loop busy merging.
   */
  compactMinIntervalMs: 5000,
  /**
   * Heavy work (snapshots, exports, diffs, preflight) runs on worker threads. Per
   * instance, at most this many exports ...
   */
  maxExportsAtOnce: 2,
  /** ... manual whole-proposal snapshots ... */
  maxSnapshotJobsAtOnce: 2,
  /** ... and history reads (diffs, the preflight, a snapshot's text) run at once; the next gets 429 with Retry-After. */
  maxHistoryJobsAtOnce: 4,
  /** Retry-After (seconds) of a heavy request refused because too many run at once. */
  busyRetryAfterSeconds: 5,
  /**
   * Manual snapshots one proposal may keep, and their total stored size (bytes of
   * the section states); past either a new one gets 413. Automatic snapshots
   * (approval, submission, meeting start and end, before a restore) do not count
   * and are never refused; restore backups are pruned oldest first past
   * `maxRestoreBackupsPerSection` per section.
   */
  maxSnapshotsPerProposal: 50,
  maxSnapshotBytesPerProposal: 64 * 1024 * 1024,
  maxRestoreBackupsPerSection: 20,
  /** On shutdown, wait at most this long (ms) for the rooms to compact what they have left. */
  shutdownCompactMs: 5000,
  /**
   * Group commit: 0 commits the first update at once and batches whatever arrives
   * while that commit is in flight; a positive window waits that long to batch more.
   */
  groupCommitWindowMs: 0,
  /**
   * The server pings every socket this often (ms) and terminates one that did not
   * answer the previous ping: a dead socket is dropped within two intervals.
   */
  heartbeatMs: 5000,
  /**
   * A socket with the Twinpad extension gets a keepalive frame when nothing else was
   * sent to it for this long (ms), so its client can tell silence from a dead link.
   */
  keepaliveMs: 1500,
  /**
   * Our client treats an open extension socket that sent nothing for this long (ms)
   * as dead: it shows offline at once and reconnects. Over twice `keepaliveMs` (a busy
   * server's late keepalive is no false alarm), and offline shows within 5 s of the
   * last frame (the watchdog looks every 250 ms).
   */
  clientSilenceMs: 3500,

  titleMaxChars: 200,
  nameMaxChars: 120,
  emailMaxChars: 254,
  passwordMinChars: 10,
  passwordMaxChars: 256,
  commentMaxChars: 10_000,
  reasonMaxChars: 2_000,

  /**
   * Lists that grow without bound come in pages (keyset cursors, `next` in the
   * response): at most this many items a page, and this many when the query names none.
   */
  threadsPageSize: 25,
  invitationsPageSize: 50,
  proposalsPageSize: 50,
  auditPageSize: 200,
  /** Counts past which a create is refused (409 with a code and the limit). */
  maxOpenThreadsPerSection: 200,
  /** Comments in one thread, its root included: the replies come whole with their thread. */
  maxCommentsPerThread: 100,
  maxPendingInvitationsPerProposal: 100,
  /**
   * Proposals one user may belong to (creating one or accepting an invitation past it is
   * refused). Far above any officer's work; the capacity bench seeds 2,000 sections (334 proposals) with one coordinator.
   */
  maxProposalsPerUser: 1000,
  /** Open event streams of one user on one instance (tabs x proposals); opening one more ends the oldest. */
  maxEventStreamsPerUser: 8,

  /** A client must send its request headers within this (ms), and the whole request within `requestTimeoutMs`: a slow-loris connection is dropped. */
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  /** An idle keep-alive HTTP connection is closed after this (ms). */
  keepAliveTimeoutMs: 5_000,

  /**
   * Login back-off per (account, client address): this many failures in the window
   * are free; after that each attempt waits, after the latest failure, the base delay
   * doubled per further failure, up to the cap (1 s, 2 s, 4 s ... 5 min). An attacker's
   * failures slow only the attacker's address, never the owner's own.
   */
  loginFreeFailures: 5,
  loginBackoffBaseMs: 1000,
  loginBackoffMaxMs: 5 * 60 * 1000,
  loginBackoffWindowMs: 60 * 60 * 1000,
  /** Failures from one address across accounts in the window (password spraying) ... */
  loginFailuresPerIp: 30,
  loginIpWindowMs: 60 * 1000,
  /**
   * ... and a ceiling per account across all addresses, far above what the per-address
   * back-off lets one address reach in the window (about 15), so locking an owner out
   * takes many addresses at once.
   */
  loginFailuresPerAccount: 100,
  loginAccountWindowMs: 15 * 60 * 1000,
  /** Signups from one client address in the window (each costs a 128 MiB scrypt); a workshop behind one NAT fits. */
  signupsPerIp: 30,
  signupIpWindowMs: 10 * 60 * 1000,

  /** Session lifetime and the point at which it is renewed. */
  sessionLifetimeMs: 30 * 24 * 60 * 60 * 1000,
  sessionRenewWithinMs: 15 * 24 * 60 * 60 * 1000,
  /** Invitation links expire after this. */
  invitationLifetimeMs: 7 * 24 * 60 * 60 * 1000,

  /** About this many characters make one page of an EU form. */
  charsPerPage: 5000,

  /** A verdict's optional note and an approval's justification (multiline, code points). */
  verdictNoteMaxChars: 2_000,
  approvalJustificationMaxChars: 2_000,
  /**
   * A section's verdicts reset when its text changes substantially after them (VRD5): when
   * the edit units (characters inserted plus deleted, see server/collab/edit-volume.ts) since
   * the verdict exceed max(verdictResetMinUnits, verdictResetPercent % of the characters the
   * section had at the verdict, rounded down).
   */
  verdictResetMinUnits: 200,
  verdictResetPercent: 10,

  /** Invitation links (TEAM2): people one link may let in, and days it may stay valid (default `invitationLifetimeMs`). */
  invitationMaxUses: 200,
  invitationMaxDays: 30,
  /** A bulk invitation (TEAM4): distinct addresses at once, characters of the pasted text, and entries of a list. */
  bulkInvitationMaxEmails: 100,
  bulkInvitationMaxChars: 50_000,
  bulkInvitationMaxEntries: 500,
} as const;

export type Limits = typeof limits;
