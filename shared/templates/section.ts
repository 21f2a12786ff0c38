import type { LocalizedText, SectionTemplate } from './types';

/** One section of a call template, owned by the lead partner when a proposal is created. */
export const templateSection = (
  key: string,
  number: string,
  title: LocalizedText,
  criterion: string,
  minChars: number,
  maxChars: number,
  guidance: readonly LocalizedText[],
  extra: Partial<Pick<SectionTemplate, 'requiredItems'>> = {},
): SectionTemplate => ({ key, number, title, criterion, minChars, maxChars, guidance, defaultOwner: 'lead', ...extra });
