/**
 * Where a server's idle-connection memory sits, by kind of object: a V8 heap
 * snapshot of the server (through its inspector) before the capacity ramp and
 * after it, summed by constructor name, and the difference per 1,000
 * connections. `npm run bench -- --only capacity --quick --heap-breakdown`.
 * A snapshot forces a full GC first, so this is live memory. Memory outside the
 * JS heap (socket buffers in libuv and the kernel, PGlite's WASM memory) has no
 * node here; the capacity rows' `external` and RSS figures cover it.
 */
import { createWriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withInspector } from './inspector';

/** Bytes and object count of one kind of heap object. */
export interface HeapKind {
  name: string;
  bytes: number;
  count: number;
}

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** A heap snapshot of the process behind `inspectorUrl`, summed by kind (constructor name, or the node type for internals). */
export async function heapByKind(inspectorUrl: string): Promise<Map<string, HeapKind>> {
  const file = join(tmpdir(), `twinpad-heap-${process.pid}-${Date.now()}.heapsnapshot`);
  const out = createWriteStream(file);
  try {
    await withInspector(inspectorUrl, async (inspector) => {
      inspector.on('HeapProfiler.addHeapSnapshotChunk', (params) => out.write((params as { chunk: string }).chunk));
      await inspector.send('HeapProfiler.enable');
      await inspector.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      await inspector.send('HeapProfiler.disable');
    });
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    const json = JSON.parse(await readFile(file, 'utf8')) as SnapshotJson;
    return summarize(json);
  } finally {
    await rm(file, { force: true });
  }
}

function summarize(json: SnapshotJson): Map<string, HeapKind> {
  const fields = json.snapshot.meta.node_fields;
  const types = json.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const kinds = new Map<string, HeapKind>();
  for (let i = 0; i < json.nodes.length; i += width) {
    const type = types[json.nodes[i + typeAt]!] ?? 'unknown';
    const bytes = json.nodes[i + sizeAt]!;
    // Objects and closures by constructor / function name; strings, arrays, code and the rest by type.
    const name = type === 'object' || type === 'closure' || type === 'native' ? `${json.strings[json.nodes[i + nameAt]!] ?? '?'}${type === 'closure' ? '()' : ''}` : `(${type})`;
    const kind = kinds.get(name) ?? { name, bytes: 0, count: 0 };
    kind.bytes += bytes;
    kind.count += 1;
    kinds.set(name, kind);
  }
  return kinds;
}

/** The growth from `before` to `after`, per 1,000 connections, largest first. */
export function heapGrowth(before: Map<string, HeapKind>, after: Map<string, HeapKind>, connections: number, top = 25): { kinds: HeapKind[]; totalBytes: number } {
  const per = connections / 1000;
  const kinds: HeapKind[] = [];
  let total = 0;
  for (const [name, a] of after) {
    const b = before.get(name);
    const bytes = (a.bytes - (b?.bytes ?? 0)) / per;
    const count = (a.count - (b?.count ?? 0)) / per;
    total += bytes;
    if (bytes > 0) kinds.push({ name, bytes: Math.round(bytes), count: Math.round(count * 10) / 10 });
  }
  kinds.sort((x, y) => y.bytes - x.bytes);
  return { kinds: kinds.slice(0, top), totalBytes: Math.round(total) };
}

/** Prints a growth table: KiB and objects per 1,000 connections. */
export function printHeapGrowth(label: string, growth: { kinds: HeapKind[]; totalBytes: number }): void {
  console.log(`\n=== ${label}: JS heap growth per 1,000 idle connections (live, by kind) ===`);
  console.log(`${'kind'.padEnd(44)} ${'KiB'.padStart(9)} ${'objects'.padStart(9)}`);
  for (const k of growth.kinds) console.log(`${k.name.slice(0, 44).padEnd(44)} ${(k.bytes / 1024).toFixed(1).padStart(9)} ${String(k.count).padStart(9)}`);
  console.log(`${'total (all kinds)'.padEnd(44)} ${(growth.totalBytes / 1024).toFixed(1).padStart(9)}`);
}
