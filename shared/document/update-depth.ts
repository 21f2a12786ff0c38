import * as Y from 'yjs';
import { limits } from '../limits';

/**
 * How deep a section's document may nest, and the check that an update keeps it
 * so, made BEFORE the update is applied: without recursion, in time linear in
 * the update (plus one walk up from each distinct parent it names in the doc).
 *
 * Depth is a node's level in the Yjs tree: a child of a root type (the section's
 * `default` fragment) is at level 1, its children at 2, and so on; elements,
 * texts and any other Yjs type all count. A container (any element but a text
 * block or a leaf, and any type that is not text: lists, items, quotes, tables,
 * rows, cells, unknown elements) may sit at level `limits.maxDocumentDepth` (64)
 * at most, as deep as the readers and the restore copy keep containers nested
 * (DOC12, DOC15); any node may sit at `maxNodeLevel` (66) at most: a text block
 * inside the deepest container, and its text or hard breaks. So 64 nested quotes
 * around a paragraph are accepted and a 65th quote is refused. Any document the
 * check accepts is read and copied without flattening, and Yjs's recursive code
 * (its deletion and garbage collection, y-tiptap's conversion) never goes more
 * than 66 levels deep on it.
 */

/** The deepest level a container may take. */
export const maxContainerLevel = limits.maxDocumentDepth;
/** The deepest level any node may take: a text block in the deepest container, and its text. */
export const maxNodeLevel = limits.maxDocumentDepth + 2;

/** Elements that hold inline content only (text blocks) or nothing (leaves): they are not containers. */
const inlineHolders: ReadonlySet<string> = new Set(['paragraph', 'heading', 'codeBlock', 'horizontalRule', 'hardBreak', 'hard_break']);

type AnyType = Y.AbstractType<unknown>;

/** True when a Yjs type counts as a container for the depth limit. */
export function isContainerType(type: unknown): boolean {
  if (type instanceof Y.Text) return false; // XmlText too
  if (type instanceof Y.XmlElement) return !inlineHolders.has(type.nodeName);
  return true;
}

/** The deepest level a node of this type may take. */
export const levelLimit = (type: unknown): number => (isContainerType(type) ? maxContainerLevel : maxNodeLevel);

/** A node that would be too deep: its level, and whether it came from the parked structs rather than the update. */
export interface TooDeep {
  level: number;
  limit: number;
  parked: boolean;
}

/** Levels of integrated types, memoised: a root type is at 0. Walks up iteratively. */
class DocLevels {
  private readonly memo = new Map<AnyType, number>();

  of(type: AnyType): number {
    const path: AnyType[] = [];
    let level = 0;
    for (let t: AnyType | null = type; t; ) {
      const known = this.memo.get(t);
      if (known !== undefined) {
        level = known;
        break;
      }
      const item: Y.Item | null = t._item;
      const parent: unknown = item?.parent;
      if (!item || !(parent instanceof Y.AbstractType)) {
        this.memo.set(t, 0);
        break;
      }
      path.push(t);
      t = parent;
    }
    for (let i = path.length - 1; i >= 0; i--) this.memo.set(path[i]!, ++level);
    return this.memo.get(type) ?? 0;
  }
}

type Struct = Y.Item | Y.GC | Y.Skip;

/** Where a struct of the candidate set (update or parked) or of the doc is, by id. */
type Found = { kind: 'candidate'; struct: Struct } | { kind: 'doc'; struct: Y.Item | Y.GC } | { kind: 'missing' };

/** The parent an item will integrate into. */
type Parent =
  | { kind: 'root' }
  | { kind: 'doc'; type: AnyType }
  | { kind: 'candidate'; item: Y.Item }
  /** Garbage-collected or not a type: Yjs integrates the item as deleted content (no depth). */
  | { kind: 'gone' }
  /** Depends on content neither the doc nor the candidates hold: Yjs parks it. */
  | { kind: 'unknown' };

function lastIndexAtOrBefore(structs: readonly Struct[], clock: number): number {
  let lo = 0;
  let hi = structs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (structs[mid]!.id.clock <= clock) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The first node `update` (Yjs v1, as y-websocket sends it) would put deeper than
 * allowed in `doc`, or null. `parked` is the doc's parked structs (Yjs keeps them
 * as a v2 update in `store.pendingStructs`): an update that completes them makes
 * them integrate too, so they are checked with it. A node whose parent depends on
 * content nobody has sent yet is checked on what is known (its level counts from
 * 0 at the first unknown parent): it is parked, and checked again, with the
 * update that completes it. Structs the doc already holds are skipped. Throws
 * what Yjs's decoder throws on a malformed update.
 */
export function findTooDeep(doc: Y.Doc, update: Uint8Array, parked: Uint8Array | null = null): TooDeep | null {
  const store = doc.store;
  const candidates: { struct: Struct; parked: boolean }[] = [];
  const byClient = new Map<number, Struct[]>();
  const add = (structs: readonly Struct[], isParked: boolean) => {
    for (const s of structs) {
      candidates.push({ struct: s, parked: isParked });
      let list = byClient.get(s.id.client);
      if (!list) byClient.set(s.id.client, (list = []));
      list.push(s);
    }
  };
  add(Y.decodeUpdate(update).structs, false);
  if (parked) add(Y.decodeUpdateV2(parked).structs, true);
  for (const list of byClient.values()) list.sort((a, b) => a.id.clock - b.id.clock);

  const find = (id: Y.ID): Found => {
    if (id.clock < Y.getState(store, id.client)) {
      const structs = store.clients.get(id.client)!;
      const s = structs[Y.findIndexSS(structs, id.clock)]!;
      return { kind: 'doc', struct: s as Y.Item | Y.GC };
    }
    const list = byClient.get(id.client);
    if (list) {
      const i = lastIndexAtOrBefore(list, id.clock);
      const s = i >= 0 ? list[i]! : null;
      if (s && !(s instanceof Y.Skip) && id.clock < s.id.clock + s.length) return { kind: 'candidate', struct: s };
    }
    return { kind: 'missing' };
  };

  const typeItemParent = (f: Found): Parent => {
    switch (f.kind) {
      case 'missing':
        return { kind: 'unknown' };
      case 'doc':
        return f.struct instanceof Y.Item && f.struct.content instanceof Y.ContentType ? { kind: 'doc', type: f.struct.content.type } : { kind: 'gone' };
      case 'candidate':
        return f.struct instanceof Y.Item && f.struct.content instanceof Y.ContentType ? { kind: 'candidate', item: f.struct } : { kind: 'gone' };
    }
  };

  // The parent of each candidate item, resolved along origin chains (memoised, iterative).
  const parents = new Map<Y.Item, Parent>();
  const parentOf = (start: Y.Item): Parent => {
    const chain: Y.Item[] = [];
    const seen = new Set<Y.Item>();
    let item = start;
    let result: Parent;
    for (;;) {
      const known = parents.get(item);
      if (known) {
        result = known;
        break;
      }
      chain.push(item);
      seen.add(item);
      if (typeof item.parent === 'string') {
        result = { kind: 'root' };
        break;
      }
      if (item.parent instanceof Y.ID) {
        result = typeItemParent(find(item.parent));
        break;
      }
      // Without an explicit parent, Yjs takes the left neighbour's (origin), else the right one's.
      const left = item.origin ? find(item.origin) : null;
      const right = item.rightOrigin ? find(item.rightOrigin) : null;
      if (left?.kind === 'missing' || right?.kind === 'missing') {
        result = { kind: 'unknown' };
        break;
      }
      if (left?.struct instanceof Y.GC || right?.struct instanceof Y.GC) {
        result = { kind: 'gone' };
        break;
      }
      const next = left ?? right;
      if (!next || !(next.struct instanceof Y.Item)) {
        result = { kind: 'gone' };
        break;
      }
      if (next.kind === 'doc') {
        const p = next.struct.parent;
        result = p instanceof Y.AbstractType ? { kind: 'doc', type: p } : { kind: 'gone' };
        break;
      }
      if (seen.has(next.struct)) {
        result = { kind: 'unknown' }; // a crafted cycle: never integrates
        break;
      }
      item = next.struct;
    }
    for (const c of chain) parents.set(c, result);
    return result;
  };

  const docLevels = new DocLevels();
  // Level of each candidate type item (null: it integrates as deleted content). Iterative over parent chains.
  const levels = new Map<Y.Item, number | null>();
  const levelOf = (start: Y.Item): number | null => {
    const stack: Y.Item[] = [start];
    const onStack = new Set<Y.Item>([start]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (levels.has(top)) {
        stack.pop();
        onStack.delete(top);
        continue;
      }
      const p = parentOf(top);
      let base: number | null;
      switch (p.kind) {
        case 'root':
        case 'unknown':
          base = 0;
          break;
        case 'doc':
          base = docLevels.of(p.type);
          break;
        case 'gone':
          base = null;
          break;
        case 'candidate': {
          const known = levels.get(p.item);
          if (known === undefined) {
            if (onStack.has(p.item)) {
              base = null; // a crafted parent cycle: never integrates
              break;
            }
            stack.push(p.item);
            onStack.add(p.item);
            continue;
          }
          base = known;
          break;
        }
        default: {
          const never: never = p;
          return never;
        }
      }
      levels.set(top, base === null ? null : base + 1);
      stack.pop();
      onStack.delete(top);
    }
    return levels.get(start) ?? null;
  };

  for (const { struct, parked: isParked } of candidates) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentType)) continue;
    if (struct.id.clock < Y.getState(store, struct.id.client)) continue; // the doc has it already
    const level = levelOf(struct);
    const limit = levelLimit(struct.content.type);
    if (level !== null && level > limit) return { level, limit, parked: isParked };
  }
  return null;
}

/**
 * The first node of a whole document (every root type) deeper than allowed, or
 * null: one iterative walk over every type. For a document loaded from storage,
 * which may have been written before the limit existed.
 */
export function findTooDeepInDoc(doc: Y.Doc): TooDeep | null {
  const stack: { type: AnyType; level: number }[] = [...doc.share.values()].map((type) => ({ type: type as AnyType, level: 0 }));
  while (stack.length > 0) {
    const { type, level } = stack.pop()!;
    const visit = (item: Y.Item | null, step: (i: Y.Item) => Y.Item | null) => {
      for (let i = item; i; i = step(i)) {
        if (i.deleted || !(i.content instanceof Y.ContentType)) continue;
        const child = i.content.type;
        const limit = levelLimit(child);
        if (level + 1 > limit) return { level: level + 1, limit, parked: false };
        stack.push({ type: child, level: level + 1 });
      }
      return null;
    };
    const inList = visit(type._start, (i) => i.right);
    if (inList) return inList;
    for (const last of type._map.values()) {
      const inMap = visit(last, (i) => i.left);
      if (inMap) return inMap;
    }
  }
  return null;
}

/**
 * True when `update`'s deletions would delete, in `doc`, a live type whose
 * subtree is more than `maxHeight` levels tall: Yjs deletes (and garbage-
 * collects) a type's subtree recursively, so such a deletion overflows the
 * stack on a document stored deeper than the limit. Each subtree is walked
 * iteratively and only until it proves too tall.
 */
export function deletesTallSubtree(doc: Y.Doc, update: Uint8Array, maxHeight: number = maxNodeLevel): boolean {
  const { ds } = Y.decodeUpdate(update);
  const store = doc.store;
  for (const [client, ranges] of ds.clients) {
    const structs = store.clients.get(client);
    if (!structs) continue;
    const state = Y.getState(store, client);
    for (const r of ranges) {
      if (r.clock >= state) continue;
      for (let i = Y.findIndexSS(structs, r.clock); i < structs.length && structs[i]!.id.clock < r.clock + r.len; i++) {
        const s = structs[i]!;
        if (s instanceof Y.Item && !s.deleted && s.content instanceof Y.ContentType && taller(s.content.type, maxHeight)) return true;
      }
    }
  }
  return false;
}

/** True when the live subtree under `root` is more than `maxHeight` levels tall (root's children are level 1). */
function taller(root: AnyType, maxHeight: number): boolean {
  const stack: { type: AnyType; level: number }[] = [{ type: root, level: 0 }];
  while (stack.length > 0) {
    const { type, level } = stack.pop()!;
    const children: (Y.Item | null)[] = [type._start, ...type._map.values()];
    for (const first of children) {
      for (let i = first; i; i = first === type._start ? i.right : i.left) {
        if (i.deleted || !(i.content instanceof Y.ContentType)) continue;
        if (level + 1 > maxHeight) return true;
        stack.push({ type: i.content.type, level: level + 1 });
      }
    }
  }
  return false;
}

/**
 * The first node added to `doc` since `before` (a state vector, as
 * `Y.getStateVector`-like map) that sits deeper than allowed, or null: for a
 * server-side edit, checked before its update is stored. Walks up from each
 * new type iteratively (memoised).
 */
export function findTooDeepSince(doc: Y.Doc, before: ReadonlyMap<number, number>): TooDeep | null {
  const levels = new DocLevels();
  for (const [client, structs] of doc.store.clients) {
    const from = before.get(client) ?? 0;
    if (Y.getState(doc.store, client) <= from) continue;
    for (let i = from === 0 ? 0 : Y.findIndexSS(structs, from); i < structs.length; i++) {
      const s = structs[i]!;
      if (s.id.clock < from || !(s instanceof Y.Item) || s.deleted || !(s.content instanceof Y.ContentType)) continue;
      const level = levels.of(s.content.type as AnyType);
      const limit = levelLimit(s.content.type);
      if (level > limit) return { level, limit, parked: false };
    }
  }
  return null;
}
