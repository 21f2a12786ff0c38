import { call } from '../../api';
import { auditPageSchema, sectionResponseSchema } from '../../../shared/schemas';
import { verdictResponseSchema, type GiveVerdictInput } from '../../../shared/schemas/verdicts';
import {
  boardResponseSchema,
  commentResponseSchema,
  threadsResponseSchema,
  type CreateCommentRequest,
  type UpdateCommentRequest,
} from '../../../shared/schemas/review';

const enc = encodeURIComponent;

/** The review loop's endpoints (shared/schemas/review.ts), parsed with the shared schemas. */
export const reviewApi = {
  /** One page of the section's threads, oldest first; `after` is the previous page's `next`. */
  threads: (sectionId: string, after?: string) =>
    call('GET', `/sections/${enc(sectionId)}/comments${after ? `?after=${enc(after)}` : ''}`, threadsResponseSchema),
  createComment: (sectionId: string, body: CreateCommentRequest) =>
    call('POST', `/sections/${enc(sectionId)}/comments`, commentResponseSchema, body),
  updateComment: (commentId: string, body: UpdateCommentRequest) => call('PATCH', `/comments/${enc(commentId)}`, commentResponseSchema, body),
  /** A soft delete: the thread stays readable. */
  deleteComment: (commentId: string) => call('DELETE', `/comments/${enc(commentId)}`, null),
  board: (proposalId: string) => call('GET', `/proposals/${enc(proposalId)}/board`, boardResponseSchema),
  /** The caller's verdict on a section (VRD1): given or replaced, and withdrawn. */
  giveVerdict: (sectionId: string, body: GiveVerdictInput) => call('PUT', `/sections/${enc(sectionId)}/verdict`, verdictResponseSchema, body),
  withdrawVerdict: (sectionId: string) => call('DELETE', `/sections/${enc(sectionId)}/verdict`, null),
  section: (sectionId: string) => call('GET', `/sections/${enc(sectionId)}`, sectionResponseSchema),
  audit: (proposalId: string, before?: number) =>
    call('GET', `/proposals/${enc(proposalId)}/audit${before === undefined ? '' : `?before=${before}`}`, auditPageSchema),
};
