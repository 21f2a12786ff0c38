import * as Y from 'yjs';
import type { ExportFormat } from '../../shared/schemas/export';
import type { TextBlock } from '../../shared/schemas/history';
import { sectionChars } from '../../shared/document/text-blocks';
import { findTooDeepInDoc } from '../../shared/document/update-depth';
import { clientsOfRows } from '../db/doc-clients';
import { docFromLoaded } from '../db/doc-updates';
import { renderDocx } from '../export/docx';
import { exportDocumentOf, sectionCharsOf, type ExportSource, type StoredDoc } from '../export/export-source';
import { renderHtml } from '../export/html';
import { renderMarkdown } from '../export/markdown';
import { attributedDiff, type RawDiff } from '../history/attributed-diff';
import { textBlocksOfState } from '../history/text-blocks';

/**
 * The CPU-bound work the server hands to its worker threads: merging a
 * section's stored log into one state, reading documents into blocks,
 * rendering exports and diffing. Each job takes bytes (what the database
 * gave the main thread) and returns bytes, numbers or plain data; nothing
 * here touches the database or the network. `runJob` is the one switch over
 * the job kinds; the worker entry (worker.ts) only calls it.
 */

/** One row of a section's update log with its sender, for attribution. */
export interface LogRowBytes {
  update: Uint8Array;
  userId: string | null;
}

/** A user's deletions kept by compaction (doc_deleters), as a delete-set-only update. */
export interface DeleterBytes {
  userId: string;
  deletes: Uint8Array;
}

/** What each job kind takes and gives back. */
interface JobKinds {
  /** A section's stored log merged into one update, with its characters (snapshots). */
  'section-state': { input: { stored: StoredDoc }; output: { state: Uint8Array; chars: number } };
  /** The same, with the level of the first node past the depth limit (null within it): a restore's backup and its repair check. */
  'checked-state': { input: { stored: StoredDoc }; output: { state: Uint8Array; chars: number; tooDeep: number | null } };
  /** Characters with spaces of one state (a restore's exact backup). */
  'state-chars': { input: { state: Uint8Array }; output: number };
  /** Characters with spaces of several sections (the export preflight). */
  'section-chars': { input: { stored: StoredDoc[] }; output: number[] };
  /** A whole export rendered, with its section count and characters for the audit event. */
  export: { input: { format: ExportFormat; source: ExportSource }; output: { body: Uint8Array | string; sections: number; chars: number } };
  /** A stored state's text blocks (the snapshot reader). */
  'text-blocks': { input: { state: Uint8Array }; output: TextBlock[] };
  /** The attributed diff of one section, and the client ids the log rows introduce. */
  diff: {
    input: { since: Uint8Array; until: Uint8Array; rows: LogRowBytes[]; deleters: DeleterBytes[] };
    output: { diff: RawDiff; clients: Map<number, string | null> };
  };
}

export type JobKind = keyof JobKinds;
export type WorkJob = { [K in JobKind]: { kind: K } & JobKinds[K]['input'] }[JobKind];
export type JobOf<K extends JobKind> = Extract<WorkJob, { kind: K }>;
export type JobResult<K extends JobKind> = JobKinds[K]['output'];

function sectionState(stored: StoredDoc): JobResult<'section-state'> {
  const doc = docFromLoaded(stored);
  try {
    return { state: Y.encodeStateAsUpdate(doc), chars: sectionChars(doc) };
  } finally {
    doc.destroy();
  }
}

function checkedState(stored: StoredDoc): JobResult<'checked-state'> {
  const doc = docFromLoaded(stored);
  try {
    return { state: Y.encodeStateAsUpdate(doc), chars: sectionChars(doc), tooDeep: findTooDeepInDoc(doc)?.level ?? null };
  } finally {
    doc.destroy();
  }
}

function stateChars(state: Uint8Array): number {
  return sectionCharsOf({ snapshot: state, updates: [] });
}

async function renderExport({ format, source }: JobOf<'export'>): Promise<JobResult<'export'>> {
  const doc = exportDocumentOf(source);
  const stats = { sections: doc.sections.length, chars: doc.sections.reduce((n, s) => n + s.chars, 0) };
  switch (format) {
    case 'docx':
      return { body: new Uint8Array(await renderDocx(doc)), ...stats };
    case 'md':
      return { body: renderMarkdown(doc), ...stats };
    case 'html':
      return { body: renderHtml(doc), ...stats };
    default: {
      const never: never = format;
      throw new Error(`unknown export format ${String(never)}`);
    }
  }
}

function diff({ since, until, rows, deleters }: JobOf<'diff'>): JobResult<'diff'> {
  const deleteSets: { userId: string | null; ds: ReturnType<typeof Y.decodeUpdate>['ds'] }[] = [];
  for (const r of rows) {
    try {
      deleteSets.push({ userId: r.userId, ds: Y.decodeUpdate(r.update).ds });
    } catch {
      /* an undecodable row attributes nothing */
    }
  }
  // Then the deletions of rows compaction removed, kept per user.
  for (const d of deleters) deleteSets.push({ userId: d.userId, ds: Y.decodeUpdate(d.deletes).ds });
  const deleterOf = (id: Y.ID): string | null => {
    for (const row of deleteSets) if (Y.isDeleted(row.ds, id)) return row.userId ? `u:${row.userId}` : null;
    return null;
  };
  return { diff: attributedDiff(since, until, deleterOf), clients: clientsOfRows(rows) };
}

/** Runs one job on the calling thread (the worker's, in the server). */
export async function runJob(job: WorkJob): Promise<JobResult<JobKind>> {
  switch (job.kind) {
    case 'section-state':
      return sectionState(job.stored);
    case 'checked-state':
      return checkedState(job.stored);
    case 'state-chars':
      return stateChars(job.state);
    case 'section-chars':
      return job.stored.map(sectionCharsOf);
    case 'export':
      return renderExport(job);
    case 'text-blocks':
      return textBlocksOfState(job.state);
    case 'diff':
      return diff(job);
    default: {
      const never: never = job;
      throw new Error(`unknown job ${JSON.stringify(never)}`);
    }
  }
}
