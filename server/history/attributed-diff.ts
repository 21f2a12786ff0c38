import * as Y from 'yjs';
import { sectionField } from '../../shared/document/model';
import { nodeRole } from '../../shared/document/read-blocks';
import { walkXml, xmlChildItems, xmlChildren } from '../../shared/document/traverse';

/**
 * The attributed, word-level diff of one section between two stored states
 * (`since` ⊆ `until`: history only grows, a restore is a forward edit).
 *
 * How: both states are applied to one scratch doc WITHOUT garbage collection,
 * so text deleted since `since` is still readable. Every character of the
 * fragment's text blocks is then classified by its Yjs item id:
 *   - in `since` (clock below its state vector) and not deleted now → same;
 *   - in `since`, alive there and deleted now → delete;
 *   - not in `since` and alive now → insert;
 *   - anything else was never visible in either state and is skipped.
 * The text blocks are those of the shared reader (shared/document: a rule is
 * not text), found with its iterative traversal over every item, deleted ones
 * included. Blocks are separated by one '\n' tagged like the block element
 * itself (a new paragraph is an inserted newline). Words (runs of non-space or of
 * space characters) that contain any change become "delete old word, insert
 * new word", attributed to the author of most of their changed characters;
 * the per-author counts, however, are exact per character.
 *
 * Authors are keys the caller resolves: `c:<clientId>` (who inserted) or the
 * deleter's key from `deleterOf` (`null` = unknown, e.g. the rows recording
 * that deletion were compacted away).
 */

export type DiffOp = 'same' | 'insert' | 'delete';

export interface RawRun {
  op: DiffOp;
  text: string;
  /** Author key, null for `same` runs or an unknown author. */
  author: string | null;
}

export interface AuthorCount {
  inserted: number;
  deleted: number;
}

export interface RawDiff {
  runs: RawRun[];
  /** Characters (code points) inserted and deleted per author key ('' = unknown). */
  byAuthor: Map<string, AuthorCount>;
  changed: boolean;
}

interface Tagged {
  ch: string;
  op: DiffOp;
  author: string | null;
}

/** Who deleted the item with this id (an author key), or null when unknown. */
export type DeleterOf = (id: Y.ID) => string | null;

/** Client key of an inserted id. */
export const clientKey = (client: number): string => `c:${client}`;

export function attributedDiff(since: Uint8Array, until: Uint8Array, deleterOf: DeleterOf): RawDiff {
  const sinceDoc = new Y.Doc({ gc: false });
  const merged = new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(sinceDoc, since);
    const sinceSv = Y.encodeStateVector(sinceDoc);
    const sv = Y.decodeStateVector(sinceSv);
    const sinceDs = Y.createDeleteSetFromStructStore(sinceDoc.store);
    Y.applyUpdate(merged, since);
    Y.applyUpdate(merged, until);

    const inSince = (client: number, clock: number) => clock < (sv.get(client) ?? 0);
    /** The op of one unit (char or element) by id and current deletion. */
    const classify = (client: number, clock: number, deletedNow: boolean): Tagged['op'] | null => {
      if (inSince(client, clock)) {
        if (Y.isDeleted(sinceDs, Y.createID(client, clock))) return null;
        return deletedNow ? 'delete' : 'same';
      }
      return deletedNow ? null : 'insert';
    };
    const authorOf = (op: DiffOp, client: number, clock: number): string | null =>
      op === 'insert' ? clientKey(client) : op === 'delete' ? deleterOf(Y.createID(client, clock)) : null;

    const stream: Tagged[] = [];
    let blocks = 0;

    const walkText = (text: Y.XmlText) => {
      for (let item = text._start; item; item = item.right) {
        if (!(item.content instanceof Y.ContentString)) continue;
        const str = item.content.str;
        for (let i = 0; i < str.length; i++) {
          const code = str.charCodeAt(i);
          const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < str.length;
          const ch = pair ? str.slice(i, i + 2) : str[i]!;
          const clock = item.id.clock + i;
          const op = classify(item.id.client, clock, item.deleted);
          if (op) stream.push({ ch, op, author: authorOf(op, item.id.client, clock) });
          if (pair) i++;
        }
      }
    };

    const elementOp = (el: Y.XmlElement): DiffOp | null => {
      const item = el._item;
      if (!item) return 'same';
      return classify(item.id.client, item.id.clock, item.deleted);
    };

    /** Every XML child of an element, deleted ones included (a block emptied since `since` is still a text block). */
    const allChildren = (el: Y.XmlElement) => xmlChildren(el, { deleted: true });

    const separator = (op: DiffOp, item: Y.Item) => {
      if (blocks++ > 0) stream.push({ ch: '\n', op, author: authorOf(op, item.id.client, item.id.clock) });
    };

    walkXml(
      merged.getXmlFragment(sectionField),
      {
        enter(el, item) {
          const op = elementOp(el);
          if (!op) return false; // never visible in either state
          const role = nodeRole(el, allChildren);
          if (role === 'container') return true;
          if (role !== 'text') return false; // a rule or a stray break holds no text
          separator(op, item);
          for (const [t, inner] of xmlChildItems(el, { deleted: true })) {
            if (t instanceof Y.XmlText) walkText(t);
            else if (nodeRole(t, allChildren) === 'break') {
              const bop = classify(inner.id.client, inner.id.clock, inner.deleted);
              if (bop) stream.push({ ch: '\n', op: bop, author: authorOf(bop, inner.id.client, inner.id.clock) });
            }
          }
          return false;
        },
        text(t, item) {
          const op = classify(item.id.client, item.id.clock, item.deleted);
          if (!op) return;
          separator(op, item);
          walkText(t);
        },
      },
      { deleted: true },
    );
    return wordRuns(stream);
  } finally {
    sinceDoc.destroy();
    merged.destroy();
  }
}

const isSpace = (ch: string) => /\s/.test(ch);

/** Groups tagged characters into words and runs, and counts characters per author. */
export function wordRuns(stream: readonly Tagged[]): RawDiff {
  const byAuthor = new Map<string, AuthorCount>();
  const count = (author: string | null, op: 'insert' | 'delete') => {
    const key = author ?? '';
    const c = byAuthor.get(key) ?? { inserted: 0, deleted: 0 };
    if (op === 'insert') c.inserted++;
    else c.deleted++;
    byAuthor.set(key, c);
  };
  const runs: RawRun[] = [];
  const push = (op: DiffOp, text: string, author: string | null) => {
    if (!text) return;
    const last = runs[runs.length - 1];
    if (last && last.op === op && last.author === author) last.text += text;
    else runs.push({ op, text, author });
  };
  const majority = (chars: readonly Tagged[]): string | null => {
    const n = new Map<string | null, number>();
    let best: string | null = null;
    let bestN = 0;
    for (const c of chars) {
      const v = (n.get(c.author) ?? 0) + 1;
      n.set(c.author, v);
      if (v > bestN) [best, bestN] = [c.author, v];
    }
    return best;
  };

  let changed = false;
  let i = 0;
  while (i < stream.length) {
    const space = isSpace(stream[i]!.ch);
    let j = i;
    while (j < stream.length && isSpace(stream[j]!.ch) === space) j++;
    const word = stream.slice(i, j);
    i = j;
    const ins = word.filter((c) => c.op === 'insert');
    const del = word.filter((c) => c.op === 'delete');
    for (const c of ins) count(c.author, 'insert');
    for (const c of del) count(c.author, 'delete');
    if (ins.length === 0 && del.length === 0) {
      push('same', word.map((c) => c.ch).join(''), null);
      continue;
    }
    changed = true;
    const oldText = word.filter((c) => c.op !== 'insert').map((c) => c.ch).join('');
    const newText = word.filter((c) => c.op !== 'delete').map((c) => c.ch).join('');
    push('delete', oldText, majority(del.length > 0 ? del : ins));
    push('insert', newText, majority(ins.length > 0 ? ins : del));
  }
  return { runs, byAuthor, changed };
}
