import { call } from '../../api';
import {
  meetingListSchema,
  meetingResponseSchema,
  proposalChangesResponseSchema,
  restoreResponseSchema,
  sectionChangesResponseSchema,
  snapshotSectionResponseSchema,
} from '../../../shared/schemas/history';
import { snapshotListSchema, snapshotResponseSchema } from '../../../shared/schemas/review';

const enc = encodeURIComponent;

function changesQuery(since: string, until?: string | null): string {
  const q = new URLSearchParams({ since });
  if (until) q.set('until', until);
  return q.toString();
}

/** History and meeting endpoints (shared/schemas/history.ts), parsed with the shared schemas. */
export const historyApi = {
  snapshots: (proposalId: string) => call('GET', `/proposals/${enc(proposalId)}/snapshots`, snapshotListSchema),
  createSnapshot: (proposalId: string, name: string) => call('POST', `/proposals/${enc(proposalId)}/snapshots`, snapshotResponseSchema, { name }),
  /** SEC29: the coordinator deletes a manual snapshot (automatic ones are refused with 409). */
  deleteSnapshot: (snapshotId: string) => call('DELETE', `/snapshots/${enc(snapshotId)}`, null),
  snapshotSection: (snapshotId: string, sectionId: string) =>
    call('GET', `/snapshots/${enc(snapshotId)}/sections/${enc(sectionId)}`, snapshotSectionResponseSchema),
  /** A forward edit everyone sees live; the text it replaces is kept in the automatic snapshot `backupSnapshotId`. */
  restore: (sectionId: string, snapshotId: string) => call('POST', `/sections/${enc(sectionId)}/restore`, restoreResponseSchema, { snapshotId }),
  sectionChanges: (sectionId: string, since: string, until?: string | null) =>
    call('GET', `/sections/${enc(sectionId)}/changes?${changesQuery(since, until)}`, sectionChangesResponseSchema),
  proposalChanges: (proposalId: string, since: string, until?: string | null) =>
    call('GET', `/proposals/${enc(proposalId)}/changes?${changesQuery(since, until)}`, proposalChangesResponseSchema),

  meetings: (proposalId: string) => call('GET', `/proposals/${enc(proposalId)}/meetings`, meetingListSchema),
  startMeeting: (proposalId: string, body: { name: string; city: string; date: string }) =>
    call('POST', `/proposals/${enc(proposalId)}/meetings`, meetingResponseSchema, body),
  endMeeting: (meetingId: string) => call('POST', `/meetings/${enc(meetingId)}/end`, meetingResponseSchema, {}),
  focus: (meetingId: string, sectionId: string | null, scroll: number) =>
    call('POST', `/meetings/${enc(meetingId)}/focus`, null, { sectionId, scroll }),
};
