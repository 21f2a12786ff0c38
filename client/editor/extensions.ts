import { Extension, type AnyExtension } from '@tiptap/core';
import Collaboration from '@tiptap/extension-collaboration';
import CollaborationCaret from '@tiptap/extension-collaboration-caret';
import type * as Y from 'yjs';
import { CommentHighlights } from './comment-highlights';
import type { WebsocketProvider } from 'y-websocket';
import { schemaExtensions } from '../../shared/document/editor-schema';

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
    // The schema's extensions are shared with the server's reader (shared/document/editor-schema.ts).
    ...schemaExtensions(),
    Collaboration.configure({ document: opts.doc, field: 'default' }),
    CollaborationCaret.configure({ provider: opts.provider, user: opts.user, render: renderCaret }),
    CommentHighlights,
    shortcuts,
  ];
}
