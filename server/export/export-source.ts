import { findTemplate } from '../../shared/templates';
import { loadStoredDoc } from '../db/doc-updates';
import { listPartners } from '../db/partners';
import type { ProposalRow } from '../db/proposals';
import { listSections } from '../db/sections';
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

export async function loadExportDocument(db: Sql, proposal: ProposalRow, opts: { notes?: ExportNote[] | null } = {}): Promise<ExportDocument> {
  const [partners, sections] = await Promise.all([listPartners(db, proposal.id), listSections(db, proposal.id)]);
  const template = findTemplate(proposal.templateId);
  const out: ExportSection[] = [];
  for (const s of sections) {
    const { blocks, chars } = await loadSectionContent(db, s.id);
    out.push({ id: s.id, number: s.number, title: s.title, minChars: s.minChars, maxChars: s.maxChars, blocks, chars });
  }
  return {
    title: proposal.title,
    call: template ? `${template.title} (${template.call})` : proposal.templateId,
    theme: template?.themes.find((t) => t.id === proposal.theme)?.label ?? proposal.theme,
    deadline: proposal.deadline,
    language: proposal.language,
    partners: partners.map((p) => ({
      name: p.name,
      town: p.town,
      country: p.country,
      countryName: countryName(p.country),
      role: p.isLead ? 'Lead partner' : 'Partner',
    })),
    sections: out,
    notes: opts.notes ?? null,
    generatedAt: new Date(),
  };
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
