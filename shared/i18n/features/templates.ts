import { defineMessages } from '../define';

/** Messages of the templates feature (issue 18). */
export const templatesMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
