import { getSchema, type AnyExtension } from '@tiptap/core';
import type { Schema } from '@tiptap/pm/model';
import StarterKit from '@tiptap/starter-kit';
import { Table, TableCell, TableHeader, TableRow } from '@tiptap/extension-table';

/**
 * The extensions that make the editor's schema (its node and mark types),
 * configured as the editor uses them. The editor (client/editor/extensions.ts)
 * adds collaboration, carets and shortcuts on top; the server and the tests
 * build the same schema from this list with `editorSchema()`, so they see
 * exactly the document the editor sees. No DOM is touched: runs in Node.
 */
export function schemaExtensions(): AnyExtension[] {
  return [
    // Yjs owns undo and redo (Collaboration); no trailing node, so opening a section never writes to it.
    StarterKit.configure({ undoRedo: false, trailingNode: false, link: { openOnClick: false, autolink: true } }),
    Table.configure({ resizable: false }),
    TableRow,
    TableHeader,
    TableCell,
  ];
}

/** The editor's ProseMirror schema. */
export const editorSchema = (): Schema => getSchema(schemaExtensions());
