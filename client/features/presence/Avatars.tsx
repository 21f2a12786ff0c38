import { useEffect, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import { presentUsers, type PresentUser } from '../../collab/presence';
import { useT } from '../../i18n';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}

/** The people in this section, from the server-stamped awareness states. */
export function Avatars({ awareness, selfUserId }: { awareness: Awareness; selfUserId: string }) {
  const t = useT();
  const [people, setPeople] = useState<PresentUser[]>(() => presentUsers(awareness, selfUserId));
  useEffect(() => {
    const update = () => setPeople(presentUsers(awareness, selfUserId));
    update();
    awareness.on('change', update);
    return () => awareness.off('change', update);
  }, [awareness, selfUserId]);

  return (
    <ul className="avatars" aria-label={t('workspace.presence')} data-testid="presence">
      {people.map((p) => {
        const who = `${p.name}${p.self ? ` (${t('workspace.you')})` : ''}${p.partnerName ? ` · ${p.partnerName}` : ''}${p.country ? ` (${p.country})` : ''}`;
        return (
          <li key={p.key} className="avatar" style={{ backgroundColor: p.color }} title={who} aria-label={who} data-name={p.name}>
            <span aria-hidden="true">{initials(p.name)}</span>
            {p.country && (
              <span className="avatar__flag" aria-hidden="true">
                {p.country}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
