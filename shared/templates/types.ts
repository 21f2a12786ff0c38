import type { Locale } from '../schemas/common';

/**
 * A call template is data: the sections a proposal starts with, their guidance
 * prompts and character budgets, the award criteria, and the call's rules.
 * Every text people read is given in all five interface languages.
 */

/** One text in every interface language (TPL1: all five non-empty). */
export type LocalizedText = Readonly<Record<Locale, string>>;

export interface CriterionSpec {
  readonly id: string;
  readonly label: LocalizedText;
}

/** A structured item the section must contain (for example a table of events). */
export interface RequiredItemSpec {
  readonly key: string;
  readonly label: LocalizedText;
}

export interface SectionTemplate {
  readonly key: string;
  /** The number printed in the official form: "1.1", "2.1.3". */
  readonly number: string;
  readonly title: LocalizedText;
  /** Id of one of the template's criteria. */
  readonly criterion: string;
  /** Questions the section should answer; the owner ticks them off. */
  readonly guidance: readonly LocalizedText[];
  readonly minChars: number;
  readonly maxChars: number;
  readonly requiredItems?: readonly RequiredItemSpec[];
  /** Who owns the section when a proposal is created. */
  readonly defaultOwner: 'lead';
}

export interface ThemeSpec {
  readonly id: string;
  readonly label: LocalizedText;
}

export interface CallRules {
  readonly minPartners: number;
  readonly minCountries: number;
  /** Page limit of the narrative part (about 5,000 characters a page). */
  readonly pageLimit: number;
}

export interface CallTemplate {
  readonly id: string;
  readonly title: LocalizedText;
  /** The programme strand or call the template answers (a call code reads the same in every language). */
  readonly call: LocalizedText;
  readonly criteria: readonly CriterionSpec[];
  readonly themes: readonly ThemeSpec[];
  readonly rules: CallRules;
  readonly sections: readonly SectionTemplate[];
}
