/**
 * A call template is data: the sections a proposal starts with, their guidance
 * prompts and character budgets, the award criteria, and the call's rules.
 */
export interface CriterionSpec {
  readonly id: string;
  readonly label: string;
}

/** A structured item the section must contain (for example a table of events). */
export interface RequiredItemSpec {
  readonly key: string;
  readonly label: string;
}

export interface SectionTemplate {
  readonly key: string;
  /** The number printed in the official form: "1.1", "2.1.3". */
  readonly number: string;
  readonly title: string;
  /** Id of one of the template's criteria. */
  readonly criterion: string;
  /** Questions the section should answer; the owner ticks them off. */
  readonly guidance: readonly string[];
  readonly minChars: number;
  readonly maxChars: number;
  readonly requiredItems?: readonly RequiredItemSpec[];
  /** Who owns the section when a proposal is created. */
  readonly defaultOwner: 'lead';
}

export interface ThemeSpec {
  readonly id: string;
  readonly label: string;
}

export interface CallRules {
  readonly minPartners: number;
  readonly minCountries: number;
  /** Page limit of the narrative part (about 5,000 characters a page). */
  readonly pageLimit: number;
}

export interface CallTemplate {
  readonly id: string;
  readonly title: string;
  /** The programme strand or call the template answers. */
  readonly call: string;
  readonly criteria: readonly CriterionSpec[];
  readonly themes: readonly ThemeSpec[];
  readonly rules: CallRules;
  readonly sections: readonly SectionTemplate[];
}
