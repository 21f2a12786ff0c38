import type { Snapshot } from '../../../shared/schemas/review';

/** The newest snapshot that holds `sectionId` (a whole-proposal one, or one of that section). */
export function latestSnapshotFor(snapshots: readonly Snapshot[], sectionId: string): Snapshot | null {
  let best: Snapshot | null = null;
  for (const s of snapshots) {
    if (s.sectionId !== null && s.sectionId !== sectionId) continue;
    if (!best || s.createdAt > best.createdAt) best = s;
  }
  return best;
}
