import { defineMessages } from '../define';

/** Messages of the onboarding feature (issue 18). */
export const onboardingMessages = defineMessages({} as const, { it: {}, sv: {}, es: {}, fi: {} });
