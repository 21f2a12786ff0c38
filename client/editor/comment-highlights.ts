import { Extension, type Editor } from '@tiptap/core';
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { absolutePositionToRelativePosition, relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import type { Anchor } from '../../shared/schemas/review';
import { limits } from '../../shared/limits';

/**
 * Comment anchors drawn as highlights. Threads keep their range as two Yjs
 * relative positions (base64 of Y.encodeRelativePosition) into the section's
 * `default` fragment, so the highlight follows concurrent edits; a range whose
 * text was deleted resolves to nothing and the thread shows as detached.
 */

export interface HighlightAnchor {
  readonly threadId: string;
  readonly anchor: Anchor;
  readonly resolved: boolean;
}

interface PluginState {
  anchors: readonly HighlightAnchor[];
  active: string | null;
  decorations: DecorationSet;
  /** Threads whose anchored text is gone. */
  detached: ReadonlySet<string>;
}

type ProsemirrorMapping = Parameters<typeof relativePositionToAbsolutePosition>[3];

interface YSyncState {
  doc: Y.Doc;
  type: Y.XmlFragment;
  binding: { mapping: ProsemirrorMapping } | null;
}

export const commentHighlightsKey = new PluginKey<PluginState>('commentHighlights');

function ySync(state: EditorState): YSyncState | null {
  const y = ySyncPluginKey.getState(state) as YSyncState | undefined;
  return y?.binding ? y : null;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes;
}

/** The absolute range of an anchor in this editor state; null when its text is gone or undecodable. */
export function resolveAnchor(state: EditorState, anchor: Anchor): { from: number; to: number } | null {
  const y = ySync(state);
  if (!y) return null;
  try {
    const from = relativePositionToAbsolutePosition(y.doc, y.type, Y.decodeRelativePosition(fromBase64(anchor.start)), y.binding!.mapping);
    const to = relativePositionToAbsolutePosition(y.doc, y.type, Y.decodeRelativePosition(fromBase64(anchor.end)), y.binding!.mapping);
    if (from === null || to === null || to <= from) return null;
    if (state.doc.textBetween(from, to, '\n').length === 0) return null;
    return { from, to };
  } catch {
    return null;
  }
}

/** An anchor for the range from..to of the editor's document, with its quoted text. */
export function anchorFor(state: EditorState, from: number, to: number): Anchor | null {
  const y = ySync(state);
  if (!y || to <= from) return null;
  const quote = state.doc.textBetween(from, to, '\n').slice(0, limits.commentMaxChars);
  if (quote.trim() === '') return null;
  const start = absolutePositionToRelativePosition(from, y.type, y.binding!.mapping) as Y.RelativePosition;
  // The end sticks to the character before it, so typing right after the range does not extend it.
  const end = absolutePositionToRelativePosition(to, y.type, y.binding!.mapping) as Y.RelativePosition;
  end.assoc = -1;
  return { start: toBase64(Y.encodeRelativePosition(start)), end: toBase64(Y.encodeRelativePosition(end)), quote };
}

function build(state: EditorState, anchors: readonly HighlightAnchor[], active: string | null): Pick<PluginState, 'decorations' | 'detached'> {
  const decorations: Decoration[] = [];
  const detached = new Set<string>();
  for (const a of anchors) {
    const range = resolveAnchor(state, a.anchor);
    if (!range) {
      detached.add(a.threadId);
      continue;
    }
    // A11Y8: a resolved thread is never highlighted, not even while it is the selected one.
    if (a.resolved) continue;
    const cls = `comment-anchor${a.threadId === active ? ' comment-anchor--active' : ''}`;
    decorations.push(Decoration.inline(range.from, range.to, { class: cls, 'data-thread-id': a.threadId }, { threadId: a.threadId }));
  }
  return { decorations: DecorationSet.create(state.doc, decorations), detached };
}

type Meta = { anchors?: readonly HighlightAnchor[]; active?: string | null };

export const CommentHighlights = Extension.create({
  name: 'commentHighlights',
  addProseMirrorPlugins() {
    return [
      new Plugin<PluginState>({
        key: commentHighlightsKey,
        state: {
          init: () => ({ anchors: [], active: null, decorations: DecorationSet.empty, detached: new Set() }),
          apply(tr, prev, _old, state) {
            const meta = tr.getMeta(commentHighlightsKey) as Meta | undefined;
            if (!meta && !tr.docChanged) return prev;
            if (!meta && !tr.getMeta(ySyncPluginKey)) {
              // A local edit: Yjs has not seen it yet, so map the highlights instead of resolving them.
              const decorations = prev.decorations.map(tr.mapping, tr.doc);
              const drawn = new Set(decorations.find().map((d) => (d.spec as { threadId: string }).threadId));
              const detached = new Set(prev.detached);
              for (const a of prev.anchors) {
                if (drawn.has(a.threadId)) detached.delete(a.threadId);
                else if (!a.resolved) detached.add(a.threadId);
              }
              return { ...prev, decorations, detached };
            }
            const anchors = meta?.anchors ?? prev.anchors;
            const active = meta?.active !== undefined ? meta.active : prev.active;
            if (anchors.length === 0) return { anchors, active, decorations: DecorationSet.empty, detached: new Set() };
            return { anchors, active, ...build(state, anchors, active) };
          },
        },
        props: {
          decorations: (state) => commentHighlightsKey.getState(state)?.decorations ?? DecorationSet.empty,
        },
      }),
    ];
  },
});

/** Replaces the anchors drawn in the editor. */
export function setCommentAnchors(editor: Editor, anchors: readonly HighlightAnchor[]): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(commentHighlightsKey, { anchors } satisfies Meta).setMeta('addToHistory', false));
}

/** Emphasises one thread's highlight (null: none). */
export function setActiveThread(editor: Editor, threadId: string | null): void {
  if (editor.isDestroyed) return;
  editor.view.dispatch(editor.state.tr.setMeta(commentHighlightsKey, { active: threadId } satisfies Meta).setMeta('addToHistory', false));
}

/** Thread ids whose anchored text is gone, in the editor's current state. */
export function detachedThreads(state: EditorState): ReadonlySet<string> {
  return commentHighlightsKey.getState(state)?.detached ?? new Set();
}

/** The range of one thread's highlight, to scroll to it. */
export function threadRange(state: EditorState, anchors: readonly HighlightAnchor[], threadId: string): { from: number; to: number } | null {
  const a = anchors.find((x) => x.threadId === threadId);
  return a ? resolveAnchor(state, a.anchor) : null;
}
