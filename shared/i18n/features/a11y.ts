import { defineMessages } from '../define';

/** Messages of the a11y feature (issue 18). */
export const a11yMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
