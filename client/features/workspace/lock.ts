import type { I18n } from '../../i18n';
import type { Proposal, Section } from '../../../shared/schemas';
import { isLocked } from '../../../shared/workflow';

/** Why this user cannot edit this section, as the banner says it; null when they can. */
export function lockMessage(proposal: Proposal, section: Section, userId: string, t: I18n['t']): string | null {
  if (section.abilities.edit) return null;
  const me = proposal.members.find((m) => m.userId === userId);
  if (me?.role === 'reviewer') return t('lock.reviewer');
  if (isLocked(section.status)) return t('lock.locked', { status: t(`status.${section.status}`) });
  // VRD7: the owner partner's editors wait while the coordinator reviews.
  if (section.status === 'in_review' && me?.partnerId === section.ownerPartnerId) return t('lock.inReview');
  const owner = proposal.partners.find((p) => p.id === section.ownerPartnerId);
  return t('lock.ownedBy', { partner: owner?.name ?? '?', country: owner?.country ?? '?' });
}
