import type { ChangeAuthor, DiffRun, PartnerContribution } from '../../../shared/schemas/history';

/**
 * Pure helpers for the "what changed since" view: merging word-level runs,
 * naming who made a change, and one colour per partner. Rendering stays in
 * DiffView.tsx, which only ever emits text nodes.
 */

/** Colours for partners, in the proposal's partner order; readable on white as text and as a tint. */
export const partnerPalette = ['#1d4ed8', '#b45309', '#047857', '#9d174d', '#6d28d9', '#0e7490', '#a16207', '#be123c'] as const;
const unknownColour = '#4b5563';

/** partnerId → colour, stable for a proposal (the order of its partners list). */
export function partnerColours(partnerIds: readonly string[]): ReadonlyMap<string, string> {
  const map = new Map<string, string>();
  partnerIds.forEach((id, i) => map.set(id, partnerPalette[i % partnerPalette.length] ?? unknownColour));
  return map;
}

export function colourFor(colours: ReadonlyMap<string, string>, partnerId: string | null): string {
  return (partnerId && colours.get(partnerId)) || unknownColour;
}

/** "Lena Luleå · Luleå kommun (SE)", or just the name when the partner is unknown. */
export function authorLabel(author: Pick<ChangeAuthor, 'name' | 'partnerName' | 'country'>): string {
  if (!author.partnerName) return author.country ? `${author.name} (${author.country})` : author.name;
  return `${author.name} · ${author.partnerName}${author.country ? ` (${author.country})` : ''}`;
}

function sameAuthor(a: ChangeAuthor, b: ChangeAuthor): boolean {
  return a.userId === b.userId && a.partnerId === b.partnerId && a.name === b.name;
}

/** Joins neighbouring runs of the same kind by the same person, and drops empty runs. */
export function mergeRuns(runs: readonly DiffRun[]): DiffRun[] {
  const out: DiffRun[] = [];
  for (const run of runs) {
    if (run.text === '') continue;
    const last = out[out.length - 1];
    if (last && last.op === run.op) {
      if (last.op === 'same') {
        out[out.length - 1] = { op: 'same', text: last.text + run.text };
        continue;
      }
      if (run.op !== 'same' && sameAuthor(last.author, run.author)) {
        out[out.length - 1] = { op: last.op, text: last.text + run.text, author: last.author };
        continue;
      }
    }
    out.push(run);
  }
  return out;
}

/** Partners who changed anything, most characters first (inserted plus deleted). */
export function activeContributions(list: readonly PartnerContribution[]): PartnerContribution[] {
  return list.filter((c) => c.insertedChars + c.deletedChars > 0).sort((a, b) => b.insertedChars + b.deletedChars - (a.insertedChars + a.deletedChars));
}

/** A run's tooltip: "Inserted by …" / "Deleted by …", with the words supplied by the caller's catalogue. */
export function runTitle(run: DiffRun, words: { inserted: (who: string) => string; deleted: (who: string) => string }): string | undefined {
  if (run.op === 'same') return undefined;
  const who = authorLabel(run.author);
  return run.op === 'insert' ? words.inserted(who) : words.deleted(who);
}
