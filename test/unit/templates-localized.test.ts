import { describe, expect, it } from 'vitest';
import { localeSchema, type Locale } from '../../shared/schemas/common';
import {
  contentLocale,
  criterionLabel,
  guidancePrompts,
  requiredItemLabel,
  templateTitle,
  templates,
  themeLabel,
  type CallTemplate,
  type LocalizedText,
} from '../../shared/templates';

const locales = localeSchema.options;
const others = locales.filter((l): l is Exclude<Locale, 'en'> => l !== 'en');

/** Every text of a template people read, with where it sits. */
function textsOf(t: CallTemplate): { where: string; text: LocalizedText }[] {
  return [
    { where: `${t.id} title`, text: t.title },
    { where: `${t.id} call`, text: t.call },
    ...t.criteria.map((c) => ({ where: `${t.id} criterion ${c.id}`, text: c.label })),
    ...t.themes.map((th) => ({ where: `${t.id} theme ${th.id}`, text: th.label })),
    ...t.sections.flatMap((s) => [
      { where: `${t.id} ${s.number} title`, text: s.title },
      ...s.guidance.map((g, i) => ({ where: `${t.id} ${s.number} prompt ${i}`, text: g })),
      ...(s.requiredItems ?? []).map((r) => ({ where: `${t.id} ${s.number} item ${r.key}`, text: r.label })),
    ]),
  ];
}

/** Codes read the same in every language (a call code such as CERV-2025-CITIZENS-TOWN-NT). */
const isCode = (s: string) => /^[A-Z0-9][A-Z0-9-]+$/.test(s);

const all = templates.flatMap(textsOf);

describe('templates in five languages (TPL1)', () => {
  it.each(all)('TPL1: $where has all five languages, none empty, each translated', ({ text }) => {
    expect(Object.keys(text).sort()).toEqual([...locales].sort());
    for (const l of locales) expect(text[l].trim().length, l).toBeGreaterThan(0);
    if (isCode(text.en)) {
      for (const l of others) expect(text[l]).toBe(text.en);
    } else {
      for (const l of others) expect(text[l], `${l} is a copy of English`).not.toBe(text.en);
    }
  });

  it('TPL1: the texts are many (every title, prompt, criterion, theme and required item is checked)', () => {
    expect(all.length).toBeGreaterThan(100);
  });

  it.each(templates)('TPL1: $id keeps its keys, numbers and budgets language-free', (t) => {
    for (const s of t.sections) {
      expect(s.key).toMatch(/^[a-z0-9-]+$/);
      expect(s.number).toMatch(/^[0-9.]+$/);
      for (const r of s.requiredItems ?? []) expect(r.key).toMatch(/^[a-z0-9-]+$/);
    }
    for (const c of t.criteria) expect(c.id).toMatch(/^[a-z_]+$/);
  });
});

describe('labels in the reader\u2019s language (TPL3)', () => {
  it('TPL3: criterion, theme and template names per locale', () => {
    expect(criterionLabel('cerv-network-of-towns', 'relevance', 'it')).toBe('Pertinenza');
    expect(criterionLabel('cerv-network-of-towns', 'quality_design', 'fi')).toBe('Laatu: suunnittelu ja toteutus');
    expect(criterionLabel('cerv-network-of-towns', 'impact', 'en')).toBe('Impact');
    expect(themeLabel('cerv-network-of-towns', 'renewable-energy', 'sv')).toBe('Förnybara energikällor');
    expect(templateTitle('town-twinning-meeting', 'es')).toBe('Encuentro ciudadano de hermanamiento de ciudades');
  });

  it('TPL3: an unknown template or id falls back to the id, never to another template', () => {
    expect(criterionLabel('no-such-template', 'relevance', 'it')).toBe('relevance');
    expect(criterionLabel('cerv-network-of-towns', 'no_such', 'it')).toBe('no_such');
    expect(themeLabel('no-such-template', 'x', 'it')).toBe('x');
    expect(templateTitle('no-such-template', 'it')).toBe('no-such-template');
  });

  it('TPL3: guidance prompts and required items in the reader\u2019s language, else the stored copy', () => {
    const stored = ['a', 'b', 'c'];
    const it3 = guidancePrompts('cerv-network-of-towns', 'risk-management', 'it', stored);
    expect(it3[0]).toBe('Quali rischi potrebbero impedire al progetto di raggiungere i suoi obiettivi?');
    expect(guidancePrompts('no-such-template', 'risk-management', 'it', stored)).toBe(stored);
    expect(guidancePrompts('cerv-network-of-towns', 'no-such-section', 'it', stored)).toBe(stored);
    // A template whose prompts changed in number since the proposal was made: the proposal's own prompts stay (the checklist indexes them).
    expect(guidancePrompts('cerv-network-of-towns', 'risk-management', 'it', ['a', 'b'])).toEqual(['a', 'b']);
    expect(requiredItemLabel('cerv-network-of-towns', 'work-plan', 'timetable', 'sv', 'stored')).toBe('Tidsplan (Gantt-schema)');
    expect(requiredItemLabel('cerv-network-of-towns', 'work-plan', 'nope', 'sv', 'stored')).toBe('stored');
  });

  it('TPL2: a proposal\u2019s content language is its language when one of the five, else English', () => {
    for (const l of locales) expect(contentLocale(l)).toBe(l);
    expect(contentLocale('de')).toBe('en');
    expect(contentLocale('')).toBe('en');
  });
});
