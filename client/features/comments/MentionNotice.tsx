import { useState } from 'react';
import { useI18n } from '../../i18n';
import { Link } from '../../router';
import type { Proposal } from '../../../shared/schemas';
import { useStreamEvents } from '../events/use-proposal-stream';

interface Mention {
  readonly key: number;
  readonly sectionId: string;
  readonly by: string;
}

/** Tells the user, live, that someone mentioned them in a comment, with a link to the section. */
export function MentionNotice({ proposal }: { proposal: Proposal }) {
  const { t } = useI18n();
  const [mentions, setMentions] = useState<readonly Mention[]>([]);
  useStreamEvents(proposal.id, (event) => {
    if (event.type !== 'mention') return;
    setMentions((prev) => [...prev.slice(-2), { key: Date.now() + Math.random(), sectionId: event.sectionId, by: event.by }]);
  });
  if (mentions.length === 0) return null;
  return (
    <div className="mention-notices" role="status" data-testid="mention-notice">
      {mentions.map((m) => {
        const name = proposal.members.find((x) => x.userId === m.by)?.name ?? '?';
        const s = proposal.sections.find((x) => x.id === m.sectionId);
        return (
          <p key={m.key} className="banner banner--info">
            {s ? (
              <Link href={`/proposals/${encodeURIComponent(proposal.id)}/sections/${encodeURIComponent(s.id)}`}>{t('comments.mentioned', { name })}</Link>
            ) : (
              t('comments.mentioned', { name })
            )}{' '}
            <button type="button" className="link-button" onClick={() => setMentions((prev) => prev.filter((x) => x.key !== m.key))}>
              {t('comments.dismiss')}
            </button>
          </p>
        );
      })}
    </div>
  );
}
