import { describe, expect, it } from 'vitest';
import { preflight } from '../../server/export/preflight';
import { preflightResponseSchema } from '../../shared/schemas/export';

const section = (id: string, chars: number) => ({ id, number: id, title: `Section ${id}`, chars, minChars: 100, maxChars: 200 });

describe('preflight warnings as codes', () => {
  it('BRD3: every warning is {kind, sectionId, params}: empty {min}, under {chars, missing, min}, over {over, max}; at the limits none', () => {
    const result = preflightResponseSchema.parse(preflight([section('a', 0), section('b', 1), section('c', 99), section('d', 100), section('e', 200), section('f', 201), section('g', 5000)]));
    expect(result.warnings).toEqual([
      { kind: 'empty', sectionId: 'a', params: { min: 100 } },
      { kind: 'under', sectionId: 'b', params: { chars: 1, missing: 99, min: 100 } },
      { kind: 'under', sectionId: 'c', params: { chars: 99, missing: 1, min: 100 } },
      { kind: 'over', sectionId: 'f', params: { over: 1, max: 200 } },
      { kind: 'over', sectionId: 'g', params: { over: 4800, max: 200 } },
    ]);
    expect(result.sections.map((s) => s.state)).toEqual(['empty', 'under', 'under', 'ok', 'ok', 'over', 'over']);
    // No prose: nothing in a warning is a sentence.
    expect(JSON.stringify(result.warnings)).not.toMatch(/characters|limit|minimum|empty /i);
  });

  it('BRD3: the schema refuses a warning that carries a message instead of parameters', () => {
    const bad = { sections: [], totalChars: 0, warnings: [{ kind: 'empty', sectionId: 'a', message: '1.1 A is empty' }] };
    expect(preflightResponseSchema.safeParse(bad).success).toBe(false);
  });
});
