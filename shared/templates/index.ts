import { cervNetworkOfTowns } from './cerv-network-of-towns';
import { townTwinningMeeting } from './town-twinning-meeting';
import type { CallTemplate } from './types';

export type { CallTemplate, CallRules, CriterionSpec, RequiredItemSpec, SectionTemplate, ThemeSpec } from './types';

/** Every call template a proposal can start from. */
export const templates: readonly CallTemplate[] = [cervNetworkOfTowns, townTwinningMeeting];

export const defaultTemplateId = cervNetworkOfTowns.id;

export function findTemplate(id: string): CallTemplate | undefined {
  return templates.find((t) => t.id === id);
}
