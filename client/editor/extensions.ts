import { Extension, type AnyExtension } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';
import type * as Y from 'yjs';
import { CommentHighlights } from './comment-highlights';
import type { WebsocketProvider } from 'y-websocket';

/** What the server stamps on each awareness state (design: Rooms, Awareness). */
export interface CaretUser {
  id?: string;
  name?: string;
  color?: string;
  partnerName?: string;
  country?: string;
}

/** The caret label: the name, colour and country the server stamped. */
export function renderCaret(user: CaretUser): HTMLElement {
  const caret = document.createElement('span');
  caret.className = 'collab-caret';
  caret.style.borderColor = user.color ?? '#444';
  const label = document.createElement('span');
  label.className = 'collab-caret__label';
  label.style.backgroundColor = user.color ?? '#444';
  label.textContent = user.country ? `${user.name ?? '?'} · ${user.country}` : (user.name ?? '?');
  if (user.country) label.title = `${user.name ?? ''} · ${user.partnerName ?? ''} (${user.country})`;
  caret.append(label);
  return caret;
}

export interface EditorExtensionOptions {
  doc: Y.Doc;
  provider: WebsocketProvider;
  user: { name: string; color: string };
  /** Mod-k: ask for a link address. */
  onLinkShortcut(): void;
}

export function editorExtensions(opts: EditorExtensionOptions): AnyExtension[] {
  const shortcuts = Extension.create({
    name: 'twinpadShortcuts',
    addKeyboardShortcuts() {
      return {
        'Mod-k': () => {
          opts.onLinkShortcut();
          return true;
        },
      };
    },
  });
  return [
    // Yjs owns undo and redo (Collaboration); no trailing node, so opening a section never writes to it.
    StarterKit.configure({ undoRedo: false, trailingNode: false, link: { openOnClick: false, autolink: true } }),
    Table.configure({ resizable: false }),
    TableRow,
    TableHeader,
    TableCell,
    Collaboration.configure({ document: opts.doc, field: 'default' }),
    CollaborationCaret.configure({ provider: opts.provider, user: opts.user, render: renderCaret }),
    CommentHighlights,
    shortcuts,
  ];
}
