import { describe, expect, it } from 'vitest';
import { defaultTemplateId, findTemplate, templates } from '../../shared/templates';

const cerv = findTemplate('cerv-network-of-towns');
const twinning = findTemplate('town-twinning-meeting');

describe('templates', () => {
  it('API10: CERV Network of Towns, Part B is the default template', () => {
    expect(cerv?.title.en).toBe('CERV Network of Towns, Part B');
    expect(defaultTemplateId).toBe('cerv-network-of-towns');
  });

  it('API10: CERV has about 20 sections in the official order', () => {
    const numbers = cerv?.sections.map((s) => s.number);
    expect(numbers).toEqual(['0', '1.1', '1.2', '1.3', '2.1.1', '2.1.2', '2.1.3', '2.1.4', '2.1.5', '2.2.1', '2.2.2', '3.1', '3.2', '3.3', '4.1', '4.2', '5']);
    expect(cerv?.sections[0]?.key).toBe('summary');
    expect(cerv?.sections.at(-1)?.title.en).toMatch(/ethics and security/i);
  });

  it('API10: CERV carries the call rules and the five theme tags', () => {
    expect(cerv?.rules).toEqual({ minPartners: 4, minCountries: 4, pageLimit: 40 });
    expect(cerv?.themes.map((t) => t.label.en)).toEqual([
      'Young people and development',
      'Social sector business',
      'Renewable energy sources',
      'Family support in a gender-equality perspective',
      'Integration and immigration in an employment perspective',
    ]);
  });

  it('API10: CERV sections map to the award criteria (relevance, quality, partnership, impact)', () => {
    const byNumber = (n: string) => cerv?.sections.find((s) => s.number === n)?.criterion;
    expect(byNumber('1.2')).toBe('relevance');
    expect(byNumber('2.1.3')).toBe('quality_design');
    expect(byNumber('2.2.1')).toBe('quality_partnership');
    expect(byNumber('3.2')).toBe('impact');
  });

  it("API10: the town twinning citizens' meeting has 6 sections", () => {
    expect(twinning?.title.en).toBe("Town twinning citizens' meeting");
    expect(twinning?.sections).toHaveLength(6);
  });

  it.each(templates.flatMap((t) => t.sections.map((s) => ({ template: t, section: s, name: `${t.id} ${s.number} ${s.key}` }))))(
    'API10: $name has 3–6 prompts, 0 < minChars < maxChars, a known criterion and the lead as default owner',
    ({ template, section }) => {
      expect(section.guidance.length).toBeGreaterThanOrEqual(3);
      expect(section.guidance.length).toBeLessThanOrEqual(6);
      for (const g of section.guidance) expect(g.en.trim().length).toBeGreaterThan(5);
      expect(section.minChars).toBeGreaterThan(0);
      expect(section.minChars).toBeLessThan(section.maxChars);
      expect(template.criteria.map((c) => c.id)).toContain(section.criterion);
      expect(section.defaultOwner).toBe('lead');
    },
  );

  it.each(templates)('API10: $id has unique section keys and numbers, and a page limit its budgets respect', (t) => {
    expect(new Set(t.sections.map((s) => s.key)).size).toBe(t.sections.length);
    expect(new Set(t.sections.map((s) => s.number)).size).toBe(t.sections.length);
    for (const s of t.sections) expect(s.key).toMatch(/^[a-z0-9-]+$/);
    const maxTotal = t.sections.reduce((a, s) => a + s.maxChars, 0);
    expect(maxTotal / 5000).toBeLessThanOrEqual(t.rules.pageLimit);
  });
});
