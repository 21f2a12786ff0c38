import type { KeyboardEvent } from 'react';
import { useEditorState, type Editor } from '@tiptap/react';
import { useT } from '../i18n';
import type { MessageKey } from '../../shared/i18n';

interface Tool {
  label: MessageKey;
  text: string;
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

  const tools: (Tool | 'sep')[] = [
    { label: 'toolbar.bold', text: 'B', shortcut: `${mod}B`, active: (e) => e.isActive('bold'), run: (e) => e.chain().focus().toggleBold().run() },
    { label: 'toolbar.italic', text: 'I', shortcut: `${mod}I`, active: (e) => e.isActive('italic'), run: (e) => e.chain().focus().toggleItalic().run() },
    'sep',
    { label: 'toolbar.heading', text: 'H2', shortcut: `${mod}Alt+2`, active: (e) => e.isActive('heading', { level: 2 }), run: (e) => e.chain().focus().toggleHeading({ level: 2 }).run() },
    { label: 'toolbar.subheading', text: 'H3', shortcut: `${mod}Alt+3`, active: (e) => e.isActive('heading', { level: 3 }), run: (e) => e.chain().focus().toggleHeading({ level: 3 }).run() },
    { label: 'toolbar.bulletList', text: '•', shortcut: `${mod}Shift+8`, active: (e) => e.isActive('bulletList'), run: (e) => e.chain().focus().toggleBulletList().run() },
    { label: 'toolbar.orderedList', text: '1.', shortcut: `${mod}Shift+7`, active: (e) => e.isActive('orderedList'), run: (e) => e.chain().focus().toggleOrderedList().run() },
    { label: 'toolbar.link', text: 'URL', shortcut: `${mod}K`, active: (e) => e.isActive('link'), run: () => onLink() },
    'sep',
    { label: 'toolbar.table', text: '▦', run: (e) => e.chain().focus().insertTable({ rows: 3, cols: 3, withHeaderRow: true }).run() },
    { label: 'toolbar.addRow', text: '+≡', enabled: (e) => e.isActive('table'), run: (e) => e.chain().focus().addRowAfter().run() },
    { label: 'toolbar.addColumn', text: '+‖', enabled: (e) => e.isActive('table'), run: (e) => e.chain().focus().addColumnAfter().run() },
    { label: 'toolbar.deleteTable', text: '✕▦', enabled: (e) => e.isActive('table'), run: (e) => e.chain().focus().deleteTable().run() },
    'sep',
    { label: 'toolbar.undo', text: '↶', shortcut: `${mod}Z`, run: (e) => e.chain().focus().undo().run() },
    { label: 'toolbar.redo', text: '↷', shortcut: `${mod}Shift+Z`, run: (e) => e.chain().focus().redo().run() },
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
            aria-label={t(tool.label)}
            title={tool.shortcut ? `${t(tool.label)} (${tool.shortcut})` : t(tool.label)}
            aria-pressed={tool.active ? tool.active(editor) : undefined}
            disabled={disabled || (tool.enabled ? !tool.enabled(editor) : false)}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => tool.run(editor)}
          >
            {tool.text}
          </button>
        ),
      )}
    </div>
  );
}
