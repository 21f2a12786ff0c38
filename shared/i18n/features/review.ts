import { defineMessages } from '../define';

/** Messages of the review feature (issue 18). */
export const reviewMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
