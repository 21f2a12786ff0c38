import { contentLocale, findTemplate, inLocale, themeLabel } from '../../shared/templates';
import { docFromLoaded, loadDoc, loadStoredDoc, type LoadedDoc } from '../db/doc-updates';
import { listPartners } from '../db/partners';
import type { ProposalRow } from '../db/proposals';
import { listSections, type SectionRow } from '../db/sections';
import type { Sql } from '../db/sql';
import type { Block } from '../../shared/document/model';
import { readSection } from '../../shared/document/read-blocks';
import { sectionChars } from '../../shared/document/text-blocks';

/**
 * Everything an export prints, read once: the proposal, its partners and every
 * section's current text from the DB log (persist-before-broadcast makes the log
 * the truth: every edit anyone has seen is committed there).
 */

export interface ExportPartner {
  name: string;
  town: string;
  country: string;
  /** The country's English name, or the code when unknown. */
  countryName: string;
  role: 'Lead partner' | 'Partner';
}

export interface ExportSection {
  id: string;
  number: string;
  title: string;
  minChars: number;
  maxChars: number;
  blocks: Block[];
  chars: number;
}

/** An unresolved comment thread, printed as a numbered note. */
export interface ExportNote {
  sectionId: string;
  author: string;
  body: string;
  quote: string | null;
}

export interface ExportDocument {
  title: string;
  /** The call, e.g. "CERV Network of Towns, Part B (CERV-2025-CITIZENS-TOWN-NT)". */
  call: string;
  theme: string | null;
  deadline: string | null;
  language: string;
  partners: ExportPartner[];
  /** In template order. */
  sections: ExportSection[];
  /** Present only when notes were asked for. */
  notes: ExportNote[] | null;
  generatedAt: Date;
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

export function countryName(code: string): string {
  try {
    return countryNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Reads one section's document from the log: its blocks, and its characters with
 * spaces counted by the same rule as the completeness meter (shared/document/text-blocks.ts),
 * so the preflight and the meter never disagree.
 */
export async function loadSectionContent(db: Sql, sectionId: string): Promise<{ blocks: Block[]; chars: number }> {
  const doc = await loadStoredDoc(db, sectionId);
  try {
    return { blocks: readSection(doc), chars: sectionChars(doc) };
  } finally {
    doc.destroy();
  }
}

/** One section's characters with spaces (the meter's rule), without building its blocks. */
async function loadSectionChars(db: Sql, sectionId: string): Promise<number> {
  const doc = await loadStoredDoc(db, sectionId);
  try {
    return sectionChars(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * How many sections are read and decoded at once: while one section's log is
 * decoded, the next ones' rows are on their way (Postgres answers them on
 * separate connections). Small, so an export never holds every document at once.
 */
export const sectionReadConcurrency = 4;

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item when it is free.
  const queue = items.entries();
  const worker = async () => {
    for (const [i, item] of queue) results[i] = await fn(item);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A section's stored document as the log holds it: the compacted snapshot and every later update (bytes only). */
export type StoredDoc = Pick<LoadedDoc, 'snapshot' | 'updates'>;

/** Reads a section's stored document as bytes (one statement); merging it is the work pool's job. */
export async function readStoredDoc(db: Sql, sectionId: string): Promise<StoredDoc> {
  const { snapshot, updates } = await loadDoc(db, sectionId);
  return { snapshot, updates };
}

/** Blocks and characters of a stored document (CPU only: runs in the work pool). */
export function sectionContentOf(stored: StoredDoc): { blocks: Block[]; chars: number } {
  const doc = docFromLoaded(stored);
  try {
    return { blocks: readSection(doc), chars: sectionChars(doc) };
  } finally {
    doc.destroy();
  }
}

/** Characters with spaces (the meter's rule) of a stored document, without building its blocks (CPU only). */
export function sectionCharsOf(stored: StoredDoc): number {
  const doc = docFromLoaded(stored);
  try {
    return sectionChars(doc);
  } finally {
    doc.destroy();
  }
}

/** The proposal's sections in template order, each with its stored document as bytes (DB reads only). */
export async function readSectionDocs(db: Sql, proposalId: string): Promise<(SectionRow & { stored: StoredDoc })[]> {
  const sections = await listSections(db, proposalId);
  const stored = await mapBounded(sections, sectionReadConcurrency, (s) => readStoredDoc(db, s.id));
  return sections.map((s, i) => ({ ...s, stored: stored[i]! }));
}

/** The proposal's sections in template order with their characters, for the preflight (on the caller's thread). */
export async function loadSectionCounts(db: Sql, proposalId: string): Promise<(SectionRow & { chars: number })[]> {
  const sections = await listSections(db, proposalId);
  const chars = await mapBounded(sections, sectionReadConcurrency, (s) => loadSectionChars(db, s.id));
  return sections.map((s, i) => ({ ...s, chars: chars[i] ?? 0 }));
}

/** An export before its documents are read: the proposal's data and each section's stored bytes. The pool turns it into an ExportDocument. */
export interface ExportSource extends Omit<ExportDocument, 'sections'> {
  sections: (Omit<ExportSection, 'blocks' | 'chars'> & { stored: StoredDoc })[];
}

/** Reads what an export prints (DB reads only; nothing is merged or rendered here). */
export async function readExportSource(db: Sql, proposal: ProposalRow, opts: { notes?: ExportNote[] | null; generatedAt?: Date } = {}): Promise<ExportSource> {
  const [partners, sections] = await Promise.all([listPartners(db, proposal.id), readSectionDocs(db, proposal.id)]);
  const template = findTemplate(proposal.templateId);
  // Template texts in the proposal's language, as its section titles are (TPL2).
  const locale = contentLocale(proposal.language);
  return {
    title: proposal.title,
    call: template ? `${inLocale(template.title, locale)} (${inLocale(template.call, locale)})` : proposal.templateId,
    theme: proposal.theme === null ? null : themeLabel(proposal.templateId, proposal.theme, locale),
    deadline: proposal.deadline,
    language: proposal.language,
    partners: partners.map((p) => ({
      name: p.name,
      town: p.town,
      country: p.country,
      countryName: countryName(p.country),
      role: p.isLead ? 'Lead partner' : 'Partner',
    })),
    sections: sections.map((s) => ({ id: s.id, number: s.number, title: s.title, minChars: s.minChars, maxChars: s.maxChars, stored: s.stored })),
    notes: opts.notes ?? null,
    generatedAt: opts.generatedAt ?? new Date(),
  };
}

/** The export's document: every section's blocks and characters read from its stored bytes (CPU only: runs in the work pool). */
export function exportDocumentOf(source: ExportSource): ExportDocument {
  return {
    ...source,
    sections: source.sections.map(({ stored, ...s }) => ({ ...s, ...sectionContentOf(stored) })),
  };
}

/** Reads and builds the export's document on the caller's thread (tests and the export bench; the route goes through the work pool). */
export async function loadExportDocument(db: Sql, proposal: ProposalRow, opts: { notes?: ExportNote[] | null } = {}): Promise<ExportDocument> {
  return exportDocumentOf(await readExportSource(db, proposal, opts));
}

/** "1.2 Needs analysis"; the summary's number "0" is printed too, as the form does. */
export const sectionHeading = (s: { number: string; title: string }) => (s.number ? `${s.number} ${s.title}` : s.title);

/** A file name from the title: letters, digits and dashes, never empty. */
export function exportFileName(title: string, ext: string): string {
  const base = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
  return `${base || 'proposal'}.${ext}`;
}
