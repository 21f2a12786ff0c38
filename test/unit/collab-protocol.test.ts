import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { decodeMessage, inspectUpdate, ProtocolError } from '../../server/collab/protocol';
import { awarenessFrame, step1Frame, textUpdate, updateFrame } from '../helpers/yclient';

const bytes = (...b: number[]) => new Uint8Array(b);
const hex = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

export const craftedUpdates: [string, Uint8Array][] = [
  ['zero-length (yjs#498)', new Uint8Array(0)],
  ['garbage (yjs#479)', new Uint8Array(Buffer.from('garbagedoc', 'base64'))],
  ["GC of 2^33 length", bytes(1, 1, 0xe7, 0x07, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x1f, 0)],
  ['skip struct', bytes(1, 1, 1, 0, 10, 0xff, 0xff, 0xff, 0xff, 0x0f, 0)],
  ['2^32 clients claimed', bytes(0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3)],
];

describe('protocol: decode once', () => {
  it('SEC1: every malformed frame becomes one ProtocolError', () => {
    for (const f of [bytes(), bytes(0x80), bytes(9), bytes(0, 7, 0), bytes(0, 2, 5, 1), bytes(1, 0x85), bytes(2, 0), bytes(0, 0, 0, 99)]) {
      expect(() => decodeMessage(f), `frame ${Array.from(f)}`).toThrow(ProtocolError);
    }
  });

  it('COL1: decodes every y-websocket message type', () => {
    expect(decodeMessage(step1Frame(bytes(0))).type).toBe('sync-step1');
    expect(decodeMessage(updateFrame(textUpdate('x'))).type).toBe('update');
    expect(decodeMessage(awarenessFrame(1, 1, {})).type).toBe('awareness');
    expect(decodeMessage(bytes(3))).toEqual({ type: 'query-awareness' });
  });

  it('SEC5: crafted updates are refused quickly and leave the doc untouched', () => {
    for (const [name, u] of craftedUpdates) {
      expect(() => inspectUpdate(u), name).toThrow(ProtocolError);
    }
    // yjs#687's run-length payload is a v2 update; read as v1 (all we accept) it is empty: no content, no work.
    expect(inspectUpdate(hex('00010000000001000100010200001602000001fdffffffff7f0000')).hasContent).toBe(false);
  });

  it('COL4: an empty update has no content; a text update has', () => {
    expect(inspectUpdate(Y.encodeStateAsUpdate(new Y.Doc())).hasContent).toBe(false);
    expect(inspectUpdate(textUpdate('hello')).hasContent).toBe(true);
  });

  it('COL1: an update that depends on content not yet received is accepted (offline edits arrive out of order)', () => {
    const a = new Y.Doc();
    const first: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => first.push(u));
    a.getText('t').insert(0, 'offline');
    a.getText('t').insert(7, ' then online');
    expect(inspectUpdate(first[1]!).hasContent).toBe(true);
  });
});
