import { localeSchema, type Locale } from '../schemas/common';
import { cervNetworkOfTowns } from './cerv-network-of-towns';
import { inLocale } from './localized';
import { townTwinningMeeting } from './town-twinning-meeting';
import type { CallTemplate, SectionTemplate } from './types';

export type { CallTemplate, CallRules, CriterionSpec, LocalizedText, RequiredItemSpec, SectionTemplate, ThemeSpec } from './types';
export { inLocale } from './localized';

/** Every call template a proposal can start from. */
export const templates: readonly CallTemplate[] = [cervNetworkOfTowns, townTwinningMeeting];

export const defaultTemplateId = cervNetworkOfTowns.id;

export function findTemplate(id: string): CallTemplate | undefined {
  return templates.find((t) => t.id === id);
}

export function findSectionTemplate(templateId: string, sectionKey: string): SectionTemplate | undefined {
  return findTemplate(templateId)?.sections.find((s) => s.key === sectionKey);
}

/**
 * The language a proposal's sections are written in (TPL2): its `language`
 * when it is one of the five interface languages, else English.
 */
export function contentLocale(language: string): Locale {
  const parsed = localeSchema.safeParse(language);
  return parsed.success ? parsed.data : 'en';
}

// Labels in the READER's language (TPL3). Each falls back to what the caller
// already has (the id, or the text stored with the section) for a template or
// key this build does not know.

/** The template's title, or its id. */
export function templateTitle(templateId: string, locale: Locale): string {
  const t = findTemplate(templateId);
  return t ? inLocale(t.title, locale) : templateId;
}

/** An award criterion's name, or its id. */
export function criterionLabel(templateId: string, criterionId: string, locale: Locale): string {
  const c = findTemplate(templateId)?.criteria.find((x) => x.id === criterionId);
  return c ? inLocale(c.label, locale) : criterionId;
}

/** A theme's name, or its id. */
export function themeLabel(templateId: string, themeId: string, locale: Locale): string {
  const th = findTemplate(templateId)?.themes.find((x) => x.id === themeId);
  return th ? inLocale(th.label, locale) : themeId;
}

/** A section's guidance prompts; `stored` (the section's own copy) when the template's differ in number. */
export function guidancePrompts(templateId: string, sectionKey: string, locale: Locale, stored: readonly string[]): readonly string[] {
  const prompts = findSectionTemplate(templateId, sectionKey)?.guidance;
  return prompts && prompts.length === stored.length ? prompts.map((p) => inLocale(p, locale)) : stored;
}

/** A required item's name; `stored` when the template does not know the item. */
export function requiredItemLabel(templateId: string, sectionKey: string, itemKey: string, locale: Locale, stored: string): string {
  const item = findSectionTemplate(templateId, sectionKey)?.requiredItems?.find((r) => r.key === itemKey);
  return item ? inLocale(item.label, locale) : stored;
}
