import { defineMessages } from '../define';

/** Messages of the board feature (issue 18). */
export const boardMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
