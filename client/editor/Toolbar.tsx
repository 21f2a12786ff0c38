import type { KeyboardEvent } from 'react';
import { useEditorState, type Editor } from '@tiptap/react';
import { useT } from '../i18n';
import type { MessageKey } from '../../shared/i18n';
import { Icon, type ToolIcon } from './toolbar-icons';

interface Tool {
  label: MessageKey;
  icon: ToolIcon;
  shortcut?: string;
  active?: (e: Editor) => boolean;
  run: (e: Editor) => void;
  enabled?: (e: Editor) => boolean;
}

const mod = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform) ? '⌘' : 'Ctrl+';

export function Toolbar({ editor, disabled, onLink }: { editor: Editor; disabled: boolean; onLink: () => void }) {
  const t = useT();
  // Re-render on selection and content changes, so pressed states stay true.
  useEditorState({ editor, selector: (ctx) => ctx.transactionNumber });

  const inTable = (e: Editor) => e.isActive('table');
  const tools: (Tool | 'sep')[] = [
    { label: 'toolbar.bold', icon: 'bold', shortcut: `${mod}B`, active: (e) => e.isActive('bold'), run: (e) => e.chain().focus().toggleBold().run() },
    { label: 'toolbar.italic', icon: 'italic', shortcut: `${mod}I`, active: (e) => e.isActive('italic'), run: (e) => e.chain().focus().toggleItalic().run() },
    'sep',
    { label: 'toolbar.heading', icon: 'heading2', shortcut: `${mod}Alt+2`, active: (e) => e.isActive('heading', { level: 2 }), run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run() },
    { label: 'toolbar.subheading', icon: 'heading3', shortcut: `${mod}Alt+3`, active: (e) => e.isActive('heading', { level: 3 }), run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run() },
    { label: 'toolbar.bulletList', icon: 'bulletList', shortcut: `${mod}Shift+8`, active: (e) => e.isActive('bulletList'), run: (e) => e.chain().focus().toggleBulletList().run() },
    { label: 'toolbar.orderedList', icon: 'orderedList', shortcut: `${mod}Shift+7`, active: (e) => e.isActive('orderedList'), run: (e) => e.chain().focus().toggleOrderedList().run() },
    { label: 'toolbar.link', icon: 'link', shortcut: `${mod}K`, active: (e) => e.isActive('link'), run: () => onLink() },
    'sep',
    { label: 'toolbar.table', icon: 'table', run: (e) => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run() },
    { label: 'toolbar.addRow', icon: 'addRow', enabled: inTable, run: (e) => e.chain().focus().addRowAfter().run() },
    { label: 'toolbar.deleteRow', icon: 'deleteRow', enabled: inTable, run: (e) => e.chain().focus().deleteRow().run() },
    { label: 'toolbar.addColumn', icon: 'addColumn', enabled: inTable, run: (e) => e.chain().focus().addColumnAfter().run() },
    { label: 'toolbar.deleteColumn', icon: 'deleteColumn', enabled: inTable, run: (e) => e.chain().focus().deleteColumn().run() },
    { label: 'toolbar.mergeCells', icon: 'mergeCells', enabled: (e) => e.can().mergeOrSplit(), run: (e) => e.chain().focus().mergeOrSplit().run() },
    { label: 'toolbar.deleteTable', icon: 'deleteTable', enabled: inTable, run: (e) => e.chain().focus().deleteTable().run() },
    'sep',
    { label: 'toolbar.undo', icon: 'undo', shortcut: `${mod}Z`, run: (e) => e.chain().focus().undo().run() },
    { label: 'toolbar.redo', icon: 'redo', shortcut: `${mod}Shift+Z`, run: (e) => e.chain().focus().redo().run() },
  ];

  // One tab stop for the whole toolbar; arrow keys, Home and End move between its buttons.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0 || buttons.length === 0) return;
    const next =
      e.key === 'ArrowRight' ? (at + 1) % buttons.length
      : e.key === 'ArrowLeft' ? (at - 1 + buttons.length) % buttons.length
      : e.key === 'Home' ? 0
      : e.key === 'End' ? buttons.length - 1
      : -1;
    if (next < 0) return;
    e.preventDefault();
    buttons[at]?.setAttribute('tabindex', '-1');
    buttons[next]?.setAttribute('tabindex', '0');
    buttons[next]?.focus();
  };

  return (
    <div className="toolbar" role="toolbar" aria-label={t('toolbar.label')} onKeyDown={onKeyDown}>
      {tools.map((tool, i) =>
        tool === 'sep' ? (
          <span key={i} className="toolbar__sep" aria-hidden="true" />
        ) : (
          <button
            key={tool.label}
            type="button"
            tabIndex={i === 0 ? 0 : -1}
            className="toolbar__button"
            // The name is the label alone (no visible text to mismatch it); the tooltip adds the shortcut.
            aria-label={t(tool.label)}
            title={tool.shortcut ? `${t(tool.label)} (${tool.shortcut})` : t(tool.label)}
            aria-pressed={tool.active ? tool.active(editor) : undefined}
            disabled={disabled || (tool.enabled ? !tool.enabled(editor) : false)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => tool.run(editor)}
          >
            <Icon icon={tool.icon} />
          </button>
        ),
      )}
    </div>
  );
}
