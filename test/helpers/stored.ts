import type * as Y from 'yjs';
import { docFromLoaded, loadDoc } from '../../server/db/doc-updates';
import type { Sql } from '../../server/db/sql';
import { fragmentText } from './yclient';

/** A section's document as a cold load from the database gives it (snapshot, then every row). The caller destroys it. */
export async function storedDoc(db: Sql, sectionId: string): Promise<Y.Doc> {
  return docFromLoaded(await loadDoc(db, sectionId));
}

/** Reads the stored document of a section with `read`, then drops it. */
export async function readStored<T>(db: Sql, sectionId: string, read: (doc: Y.Doc) => T): Promise<T> {
  const doc = await storedDoc(db, sectionId);
  try {
    return read(doc);
  } finally {
    doc.destroy();
  }
}

/** The stored document's XML text (as `fragmentText` gives a live one). */
export const storedText = (db: Sql, sectionId: string): Promise<string> => readStored(db, sectionId, fragmentText);
