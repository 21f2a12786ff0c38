import { defineMessages } from '../define';

/** Messages of the activity feature (issue 18). */
export const activityMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
