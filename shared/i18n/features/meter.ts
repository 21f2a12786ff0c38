import { defineMessages } from '../define';

/** Messages of the meter feature (issue 18). */
export const meterMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
