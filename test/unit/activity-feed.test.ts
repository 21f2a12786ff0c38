import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../client/features/review/ActivityFeed';
import { translate, type MessageKey, type MessageParams } from '../../shared/i18n';
import type { AuditEvent, Proposal } from '../../shared/schemas';
import type { Locale } from '../../shared/schemas/common';

const section = { id: 's1', number: '2.1', title: 'Relevance of the project' };
// describeEvent reads only the sections and partners of the proposal.
const proposal = { sections: [section], partners: [] } as unknown as Proposal;

const restored: AuditEvent = {
  id: 7,
  action: 'section.restored',
  actorId: 'u1',
  actorName: 'Chiara Coordinator',
  sectionId: 's1',
  data: { snapshotId: 'snap-1', name: 'Morning draft', backupSnapshotId: 'snap-2' },
  createdAt: '2026-12-03T09:00:00.000Z',
};

const tIn = (locale: Locale) => (key: MessageKey, params?: MessageParams) => translate(locale, key, params);

describe('activity feed', () => {
  it('WSH12: a restore reads as a sentence naming who restored which section to which snapshot, in every language', () => {
    expect(describeEvent(restored, proposal, tIn('en'))).toBe('Chiara Coordinator restored 2.1 Relevance of the project to the snapshot “Morning draft”');
    for (const locale of ['it', 'sv', 'es', 'fi'] as const) {
      const line = describeEvent(restored, proposal, tIn(locale));
      expect(line).toContain('Chiara Coordinator');
      expect(line).toContain('2.1 Relevance of the project');
      expect(line).toContain('Morning draft');
      expect(line).not.toContain('section.restored');
    }
  });
});
