import type { FillState, PreflightResponse, PreflightSection, PreflightWarning } from '../../shared/schemas/export';
import type { ExportSection } from './export-source';

/**
 * The export preflight: each section's characters with spaces against its
 * budget, and a warning for every section that is empty, short or over, as a
 * code with parameters (the client names the section from its id and renders it).
 */

export function fillState(chars: number, minChars: number, maxChars: number): FillState {
  if (chars === 0) return 'empty';
  if (chars > maxChars) return 'over';
  if (chars < minChars) return 'under';
  return 'ok';
}

export function preflight(sections: readonly Pick<ExportSection, 'id' | 'number' | 'title' | 'chars' | 'minChars' | 'maxChars'>[]): PreflightResponse {
  const rows: PreflightSection[] = [];
  const warnings: PreflightWarning[] = [];
  for (const s of sections) {
    const state = fillState(s.chars, s.minChars, s.maxChars);
    const overBy = state === 'over' ? s.chars - s.maxChars : 0;
    rows.push({ sectionId: s.id, number: s.number, title: s.title, chars: s.chars, minChars: s.minChars, maxChars: s.maxChars, state, overBy });
    switch (state) {
      case 'empty':
        warnings.push({ sectionId: s.id, kind: 'empty', params: { min: s.minChars } });
        break;
      case 'under':
        warnings.push({ sectionId: s.id, kind: 'under', params: { chars: s.chars, missing: s.minChars - s.chars, min: s.minChars } });
        break;
      case 'over':
        warnings.push({ sectionId: s.id, kind: 'over', params: { over: overBy, max: s.maxChars } });
        break;
      case 'ok':
        break;
    }
  }
  return { sections: rows, warnings, totalChars: rows.reduce((n, r) => n + r.chars, 0) };
}
