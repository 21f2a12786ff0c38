import { useEffect, useRef } from 'react';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import type { SectionConnection } from '../collab/provider';
import { useT } from '../i18n';
import { editorExtensions } from './extensions';
import { Toolbar } from './Toolbar';
import { proseMirrorChars } from '../../shared/document/prosemirror-count';
import './prosemirror-base.css';

export interface SectionEditorProps {
  conn: SectionConnection;
  /** The connection's document generation; a new one (after a dropped local copy) remounts the editor. */
  generation: number;
  readOnly: boolean;
  label: string;
  user: { name: string; color: string };
  /** Characters with spaces, as EU forms count them, on every change. */
  onChars(chars: number): void;
  /** The live editor (null while none), for comment anchors and highlights. */
  onEditor?(editor: Editor | null): void;
}

/**
 * Characters with spaces, by the server's rule (shared/document/text-blocks.ts): the text
 * blocks in order, joined by one newline, a hard break counting one, in code points;
 * a rule is not text. test/unit/document-reader.test.ts checks both agree on every node type.
 */
export function editorChars(editor: Editor): number {
  return proseMirrorChars(editor.state.doc);
}

export function SectionEditor({ conn, generation, readOnly, label, user, onChars, onEditor }: SectionEditorProps) {
  const t = useT();
  const onCharsRef = useRef(onChars);
  onCharsRef.current = onChars;
  const editorRef = useRef<Editor | null>(null);

  const promptLink = () => {
    const editor = editorRef.current;
    if (!editor || !editor.isEditable) return;
    const previous = (editor.getAttributes('link').href as string | undefined) ?? '';
    const href = window.prompt(t('toolbar.linkPrompt'), previous);
    if (href === null) return;
    if (href.trim() === '') editor.chain().focus().extendMarkRange('link').unsetLink().run();
    else editor.chain().focus().extendMarkRange('link').setLink({ href: href.trim() }).run();
  };
  const promptLinkRef = useRef(promptLink);
  promptLinkRef.current = promptLink;

  const editor = useEditor(
    {
      extensions: editorExtensions({ doc: conn.doc, provider: conn.provider, user, onLinkShortcut: () => promptLinkRef.current() }),
      editable: !readOnly,
      // The CSP refuses inline <style>: ProseMirror's base styles come from prosemirror-base.css.
      injectCSS: false,
      editorProps: {
        attributes: {
          class: 'editor__content',
          role: 'textbox',
          'aria-multiline': 'true',
          'aria-label': label,
          'data-testid': 'section-editor',
        },
      },
      onCreate: ({ editor: e }) => onCharsRef.current(editorChars(e)),
      onUpdate: ({ editor: e }) => onCharsRef.current(editorChars(e)),
    },
    [conn, generation],
  );
  editorRef.current = editor;
  const onEditorRef = useRef(onEditor);
  onEditorRef.current = onEditor;

  useEffect(() => {
    onEditorRef.current?.(editor);
    return () => onEditorRef.current?.(null);
  }, [editor]);

  useEffect(() => {
    if (!editor) return;
    editor.setEditable(!readOnly);
    editor.view.dom.setAttribute('aria-readonly', String(readOnly));
  }, [editor, readOnly]);

  useEffect(() => {
    if (editor) editor.view.dom.setAttribute('aria-label', label);
  }, [editor, label]);

  if (!editor) return null;
  return (
    <div className={readOnly ? 'editor editor--readonly' : 'editor'}>
      <Toolbar editor={editor} disabled={readOnly} onLink={promptLink} />
      <EditorContent editor={editor} />
    </div>
  );
}
