import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../client/features/review/ActivityFeed';
import { auditActions, type AuditAction } from '../../shared/audit-actions';
import { catalogues, translate, type MessageKey, type MessageParams } from '../../shared/i18n';
import type { AuditEvent, Proposal } from '../../shared/schemas';
import { localeSchema, type Locale } from '../../shared/schemas/common';

const section = { id: 's1', number: '2.1', title: 'Pertinenza del progetto', guidance: ['a', 'b', 'c'] };
const partners = [
  { id: 'p1', name: 'Comune di Bologna' },
  { id: 'p2', name: 'Tallinna Linnavalitsus' },
];
const members = [{ userId: 'u2', name: 'Lena Luleå', role: 'editor' }];
// describeEvent reads the title, sections, partners and members of the proposal.
const proposal = { title: 'Reti civiche', sections: [section], partners, members } as unknown as Proposal;

const restored: AuditEvent = {
  id: 7,
  action: 'section.restored',
  actorId: 'u1',
  actorName: 'Chiara Coordinator',
  sectionId: 's1',
  data: { snapshotId: 'snap-1', name: 'Morning draft', backupSnapshotId: 'snap-2' },
  createdAt: '2026-12-03T09:00:00.000Z',
};

const i18nIn = (locale: Locale) => ({
  t: (key: MessageKey, params?: MessageParams) => translate(locale, key, params),
  date: (v: string) => v,
});
const locales = localeSchema.options;

/** One event of each action, with data as its command records it (names are non-English data). */
const samples: Record<AuditAction, Record<string, unknown>> = {
  'proposal.created': { title: 'Reti civiche', templateId: 'cerv-network-of-towns', leadPartnerId: 'p1' },
  'proposal.exported': { format: 'docx', notes: false, sections: 17, chars: 1200 },
  'proposal.submitted': { snapshotId: 'x' },
  'partner.added': { partnerId: 'p2', name: 'Tallinna Linnavalitsus', town: 'Tallinn', country: 'EE' },
  'partner.updated': { partnerId: 'p2', changes: { town: 'Tartu' } },
  'partner.removed': { partnerId: 'p3', name: 'Ayuntamiento de La Coruña', reassignedSections: 3, movedMembers: 1, to: 'p1' },
  'member.joined': { userId: 'u2', partnerId: 'p2', role: 'editor', invitationId: 'i1' },
  'member.updated': { userId: 'u2', role: { from: 'editor', to: 'reviewer' }, partnerId: { from: 'p2', to: 'p1' } },
  'member.removed': { userId: 'u9', role: 'reviewer', partnerId: 'p2' },
  'invitation.created': { invitationId: 'i1', partnerId: 'p2', role: 'editor', maxUses: 20 },
  'invitation.bulk_created': { count: 10, partnerId: 'p2', role: 'editor' },
  'invitation.revoked': { invitationId: 'i1' },
  'section.owner_changed': { from: 'p1', to: 'p2' },
  'section.due_date_changed': { from: null, to: '2027-01-15' },
  'section.status_changed': { from: 'drafting', to: 'in_review' },
  'section.approved': { from: 'in_review', to: 'approved', justification: 'Tabella in allegato' },
  'section.blocked': { reason: 'Aspettiamo i dati ISTAT' },
  'section.unblocked': {},
  'section.not_applicable': { justification: 'Nessun dato personale' },
  'section.applicable': {},
  'section.checklist_changed': { from: [], to: [0, 2] },
  'section.items_changed': { from: [], to: ['events'] },
  'section.restored': { snapshotId: 's', name: '2.1 Pertinenza', label: { kind: 'approval', params: { number: '2.1', title: 'Pertinenza' } }, backupSnapshotId: 'b' },
  'section.repaired': { levelBefore: 120 },
  'section.verdict_given': { verdict: 'needs_changes', note: 'Manca la tabella' },
  'section.verdict_withdrawn': {},
  'section.verdicts_reset': { count: 2, reason: 'substantial_change' },
  'thread.resolved': { threadId: 't' },
  'thread.reopened': { threadId: 't' },
  'snapshot.created': { snapshotId: 's', name: 'Dopo Bologna', kind: 'manual', label: { kind: 'manual', params: { name: 'Dopo Bologna' } } },
  'snapshot.deleted': { snapshotId: 's', name: 'Dopo Bologna', kind: 'manual', label: { kind: 'manual', params: { name: 'Dopo Bologna' } } },
  'meeting.started': { meetingId: 'm', name: 'Riunione di Luleå', city: 'Luleå', date: '2027-02-01' },
  'meeting.ended': { meetingId: 'm', name: 'Riunione di Luleå' },
};

const event = (action: string, data: Record<string, unknown>, sectionId: string | null = 's1'): AuditEvent => ({
  id: 1,
  action,
  actorId: 'u1',
  actorName: 'Chiara Rossi',
  sectionId: action.startsWith('section.') || action.startsWith('thread.') ? sectionId : null,
  data,
  createdAt: '2026-12-03T09:00:00.000Z',
});

/** Words of the English catalogue that no Italian message uses (so "partner", a word Italian shares, is not one). */
function englishOnlyWords(): Set<string> {
  // Argument names go; ICU keywords (plural, select, other) are in both catalogues, so they never count.
  const words = (s: string) => s.replace(/\{\w+\}/g, ' ').match(/[A-Za-z]{4,}/g) ?? [];
  const italian = new Set(Object.values(catalogues.it).flatMap((m) => words(m).map((w) => w.toLowerCase())));
  return new Set(
    Object.values(catalogues.en)
      .flatMap(words)
      .map((w) => w.toLowerCase())
      .filter((w) => !italian.has(w)),
  );
}

describe('activity feed (TPL5)', () => {
  it('WSH12: a restore reads as a sentence naming who restored which section to which snapshot, in every language', () => {
    expect(describeEvent(restored, proposal, i18nIn('en'))).toBe('Chiara Coordinator restored 2.1 Pertinenza del progetto to the snapshot “Morning draft”');
    for (const locale of ['it', 'sv', 'es', 'fi'] as const) {
      const line = describeEvent(restored, proposal, i18nIn(locale));
      expect(line).toContain('Chiara Coordinator');
      expect(line).toContain('2.1 Pertinenza del progetto');
      expect(line).toContain('Morning draft');
      expect(line).not.toContain('section.restored');
    }
  });

  it('TPL5: every audit action has a message in every language (shared/audit-actions.ts is the one list)', () => {
    const missing = locales.flatMap((l) => auditActions.filter((a) => !(catalogues[l] as Record<string, string | undefined>)[`audit.${a}`]?.trim()).map((a) => `${l} ${a}`));
    expect(missing).toEqual([]);
  });

  it.each(locales.flatMap((locale) => auditActions.map((action) => ({ locale, action }))))(
    'TPL5: $action renders in $locale as a sentence with its actor and data, no code and no placeholder left',
    ({ locale, action }) => {
      const line = describeEvent(event(action, samples[action]), proposal, i18nIn(locale));
      expect(line).not.toContain(action);
      expect(line).not.toMatch(/[{}]/);
      expect(line.length).toBeGreaterThan(10);
      if (action !== 'section.verdicts_reset') expect(line).toContain('Chiara Rossi');
      if (action.startsWith('section.') || action.startsWith('thread.')) expect(line).toContain('2.1 Pertinenza del progetto');
    },
  );

  it('TPL5: counts are plurals, roles and statuses are translated, and the data reads as data', () => {
    const en = i18nIn('en');
    const it = i18nIn('it');
    expect(describeEvent(event('invitation.bulk_created', { count: 1, partnerId: 'p2', role: 'editor' }), proposal, en)).toBe(
      'Chiara Rossi created 1 personal invitation link as Editor for Tallinna Linnavalitsus',
    );
    expect(describeEvent(event('invitation.bulk_created', samples['invitation.bulk_created']), proposal, en)).toBe(
      'Chiara Rossi created 10 personal invitation links as Editor for Tallinna Linnavalitsus',
    );
    expect(describeEvent(event('invitation.created', { partnerId: 'p2', role: 'editor' }), proposal, en)).toBe(
      'Chiara Rossi created an invitation link for one person as Editor for Tallinna Linnavalitsus',
    );
    expect(describeEvent(event('partner.removed', samples['partner.removed']), proposal, en)).toBe(
      'Chiara Rossi removed the partner Ayuntamiento de La Coruña; 3 sections went to Comune di Bologna; 1 member moved to Comune di Bologna',
    );
    expect(describeEvent(event('partner.removed', { partnerId: 'p3', name: 'Ayuntamiento de La Coruña' }), proposal, en)).toBe(
      'Chiara Rossi removed the partner Ayuntamiento de La Coruña',
    );
    expect(describeEvent(event('section.status_changed', samples['section.status_changed']), proposal, it)).toBe(
      `Chiara Rossi ha spostato 2.1 Pertinenza del progetto da ${translate('it', 'status.drafting')} a ${translate('it', 'status.in_review')}`,
    );
    expect(describeEvent(event('section.status_changed', { from: 'not_started', to: 'drafting', auto: true }), proposal, en)).toBe(
      '2.1 Pertinenza del progetto moved from Not started to Drafting when its first text was saved',
    );
    expect(describeEvent(event('section.approved', { from: 'in_review', to: 'approved' }), proposal, en)).toBe('Chiara Rossi approved 2.1 Pertinenza del progetto');
    // A partner's removal moves its members (no role in the data): the member's role is the one they hold.
    expect(describeEvent(event('member.updated', { userId: 'u2', partnerId: { from: 'p3', to: 'p2' } }), proposal, en)).toBe(
      'Chiara Rossi made Lena Luleå Editor for Tallinna Linnavalitsus',
    );
    expect(describeEvent(event('section.restored', samples['section.restored']), proposal, it)).toBe(
      'Chiara Rossi ha ripristinato 2.1 Pertinenza del progetto all’istantanea «Approvata: 2.1 Pertinenza»',
    );
  });

  it('TPL5: an action this client does not know reads as a generic change, never its code', () => {
    for (const l of locales) {
      const bare = describeEvent(event('proposal.teleported', { x: 1 }), proposal, i18nIn(l));
      expect(bare).toContain('Chiara Rossi');
      expect(bare).not.toContain('teleported');
      const inSection = describeEvent({ ...event('section.teleported', {}), sectionId: 's1' }, proposal, i18nIn(l));
      expect(inSection).toContain('2.1 Pertinenza del progetto');
      expect(inSection).not.toContain('teleported');
    }
    expect(describeEvent(event('proposal.teleported', {}), proposal, i18nIn('en'))).toBe('Chiara Rossi made a change');
  });

  it('TPL5: the Italian feed has no English word from our catalogues', () => {
    const english = englishOnlyWords();
    expect(english.has('restored')).toBe(true);
    const offenders = auditActions.flatMap((action) => {
      const line = describeEvent(event(action, samples[action]), proposal, i18nIn('it'));
      const words = (line.match(/[A-Za-zÀ-ÿ]{4,}/g) ?? []).map((w) => w.toLowerCase());
      return words.filter((w) => english.has(w)).map((w) => `${action}: ${w} in “${line}”`);
    });
    expect(offenders).toEqual([]);
  });
});
