import { defineMessages } from '../define';

/** Messages of the partners feature (issue 18). */
export const partnersMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
