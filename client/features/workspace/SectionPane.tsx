import { useEffect, useState, useSyncExternalStore } from 'react';
import { useCollab } from '../../collab/context';
import { api } from '../../api';
import type { SectionConnection } from '../../collab/provider';
import { SectionEditor } from '../../editor/SectionEditor';
import { useI18n } from '../../i18n';
import type { Proposal, Section, User } from '../../../shared/schemas';
import { ConnectionPill } from '../connection/ConnectionPill';
import { Flag } from '../partners/Flag';
import { Avatars } from '../presence/Avatars';
import { lockMessage } from './lock';
import { RestoreBanner } from './RestoreBanner';
import type { Editor } from '@tiptap/react';
import { CommentsPanel } from '../comments/CommentsPanel';
import { openThreadCount, useThreads } from '../comments/use-threads';
import { SectionMeter } from '../completeness/SectionMeter';
import { StatusActions } from '../review/StatusActions';
import { Verdicts } from '../review/Verdicts';
import { UnsavedWordsNotice } from './UnsavedWordsNotice';
import { isLocked } from '../../../shared/workflow';
import { limits } from '../../../shared/limits';
import { guidancePrompts, requiredItemLabel } from '../../../shared/templates';

export interface SectionPaneProps {
  proposal: Proposal;
  section: Section;
  user: User;
  onChars(sectionId: string, chars: number): void;
  onSectionChanged(section: Section): void;
  /** The server changed or refused our rights: refetch the proposal's abilities. */
  onRightsChanged(): void;
}

export function SectionPane(props: SectionPaneProps) {
  const collab = useCollab();
  const { section, onRightsChanged } = props;
  const [conn, setConn] = useState<SectionConnection | null>(null);

  useEffect(() => {
    const c = collab.acquire(section.id, !section.abilities.edit);
    setConn(c);
    return () => collab.release(c);
    // Rights changes are applied below without reconnecting.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [collab, section.id]);

  useEffect(() => {
    conn?.setReadOnly(!section.abilities.edit);
  }, [conn, section.abilities.edit]);

  useEffect(() => {
    if (!conn) return;
    conn.onRightsChanged = onRightsChanged;
    return () => {
      conn.onRightsChanged = null;
    };
  }, [conn, onRightsChanged]);

  if (!conn || conn.sectionId !== section.id) return null;
  return <ConnectedSection {...props} conn={conn} />;
}

function ConnectedSection({ proposal, section, user, conn, onChars, onSectionChanged, onRightsChanged }: SectionPaneProps & { conn: SectionConnection }) {
  const { t, number, date } = useI18n();
  const status = useSyncExternalStore(conn.subscribe, conn.getStatus);
  const [chars, setChars] = useState(0);
  const [editor, setEditor] = useState<Editor | null>(null);
  const threads = useThreads(proposal.id, section.id);
  const owner = proposal.partners.find((p) => p.id === section.ownerPartnerId);
  const lock = lockMessage(proposal, section, user.id, t);
  const readOnly = status.readOnly || !section.abilities.edit || status.closed !== null;

  useEffect(() => {
    if (status.notice === 'refused') onRightsChanged();
  }, [status.notice, onRightsChanged]);

  const handleChars = (n: number) => {
    setChars(n);
    onChars(section.id, n);
  };

  const over = chars > section.maxChars;
  const under = chars < section.minChars;

  return (
    <div className="section">
      <div className="section__main">
        <header className="section__header">
          <div>
            <h1 className="section__title">
              <span className="section__number">{section.number}</span> {section.title}
            </h1>
            <p className="muted section__meta">
              {owner && (
                <span>
                  <Flag country={owner.country} /> {t('workspace.owner', { partner: `${owner.name} (${owner.country})` })}
                </span>
              )}
              <span className={`chip chip--${section.status}`}>{t(`status.${section.status}`)}</span>
              {section.dueDate && <span>{t('workspace.due', { date: date(section.dueDate) })}</span>}
            </p>
          </div>
          <div className="section__status">
            <Avatars key={status.generation} awareness={conn.provider.awareness} selfUserId={user.id} />
            <ConnectionPill status={status} />
          </div>
        </header>

        <StatusActions section={section} onSectionChanged={onSectionChanged} />
        <Verdicts section={section} userId={user.id} onSectionChanged={onSectionChanged} />
        <RestoreBanner key={section.id} proposalId={proposal.id} sectionId={section.id} />

        {/* Once the refused words are known, their notice says what happened; this banner would repeat it. */}
        {status.notice === 'refused' && !status.unsaved && (
          <p className="banner banner--warning" role="alert" data-testid="refused-banner">
            {t('lock.refused')}
          </p>
        )}
        {status.notice === 'too-large' && (
          <p className="banner banner--warning" role="alert">
            {t('lock.tooLarge')}
          </p>
        )}
        {status.notice === 'too-deep' && (
          <p className="banner banner--warning" role="alert">
            {t('lock.tooDeep', { max: limits.maxDocumentDepth })}
          </p>
        )}
        <UnsavedWordsNotice key={section.id} conn={conn} unsaved={status.unsaved ?? null} userId={user.id} sectionId={section.id} locked={isLocked(section.status)} canEdit={section.abilities.edit} />
        {status.closed && (
          <p className="banner banner--error" role="alert">
            {t('lock.closed', { code: status.closed.code })}
          </p>
        )}
        {readOnly && lock && (
          <p className="banner banner--lock" data-testid="lock-banner">
            <span aria-hidden="true">🔒 </span>
            {lock}
          </p>
        )}

        <SectionEditor
          key={`${section.id}:${status.generation}`}
          conn={conn}
          generation={status.generation}
          readOnly={readOnly}
          label={t('workspace.editorLabel', { number: section.number, title: section.title })}
          user={{ name: user.name, color: user.color }}
          onChars={handleChars}
          onEditor={setEditor}
        />

        <p className={`char-count${over ? ' char-count--over' : under ? ' char-count--under' : ''}`} data-testid="char-count" data-chars={chars}>
          {t('count.budget', { count: chars, min: section.minChars, max: section.maxChars })}
          {' · '}
          {over
            ? t('count.over', { count: chars - section.maxChars })
            : under
              ? t('count.under', { count: section.minChars - chars })
              : t('count.ok')}
        </p>
        <SectionMeter section={section} chars={chars} openThreads={openThreadCount(threads)} templateId={proposal.templateId} />
      </div>
      <div className="review-side">
        <Guidance templateId={proposal.templateId} section={section} onSectionChanged={onSectionChanged} />
        <CommentsPanel proposal={proposal} section={section} editor={editor} threads={threads} />
      </div>
    </div>
  );
}

/** Guidance prompts and required items in the reader's language, from the template (TPL3); the section's stored copy for a template this build does not know. */
function Guidance({ templateId, section, onSectionChanged }: { templateId: string; section: Section; onSectionChanged(s: Section): void }) {
  const { t, locale } = useI18n();
  const prompts = guidancePrompts(templateId, section.key, locale, section.guidance);
  const [busy, setBusy] = useState(false);
  const checked = new Set(section.checklist);
  const present = new Set(section.itemsPresent);

  async function save(change: { checklist: number[] } | { itemsPresent: string[] }) {
    setBusy(true);
    try {
      const res = await api.updateSection(section.id, change);
      onSectionChanged(res.section);
    } catch {
      /* the checkbox stays as the server has it */
    } finally {
      setBusy(false);
    }
  }

  function toggle<T>(set: ReadonlySet<T>, value: T): T[] {
    const next = new Set(set);
    if (next.has(value)) next.delete(value);
    else next.add(value);
    return [...next];
  }

  return (
    <aside className="guidance" aria-labelledby="guidance-heading">
      <h2 id="guidance-heading">{t('workspace.guidance')}</h2>
      <p className="muted">{t('workspace.guidanceHint')}</p>
      <ul className="guidance__list">
        {prompts.map((prompt, i) => (
          <li key={i}>
            <label className="guidance__item">
              <input
                type="checkbox"
                checked={checked.has(i)}
                disabled={busy || !section.abilities.edit}
                onChange={() => void save({ checklist: toggle(checked, i).sort((a, b) => a - b) })}
              />
              <span>{prompt}</span>
            </label>
          </li>
        ))}
      </ul>
      {section.requiredItems.length > 0 && (
        <>
          <h3 id="required-items-heading">{t('workspace.requiredItems')}</h3>
          <p className="muted">{t('workspace.requiredItemsHint')}</p>
          <ul className="guidance__list" aria-labelledby="required-items-heading" data-testid="required-items">
            {section.requiredItems.map((item) => (
              <li key={item.key}>
                <label className="guidance__item">
                  <input
                    type="checkbox"
                    checked={present.has(item.key)}
                    disabled={busy || !section.abilities.edit}
                    onChange={() => void save({ itemsPresent: toggle(present, item.key).sort() })}
                  />
                  <span>{requiredItemLabel(templateId, section.key, item.key, locale, item.label)}</span>
                </label>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}
