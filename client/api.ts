import type { z } from 'zod';
import {
  errorBodySchema,
  invitationAcceptedSchema,
  invitationCreatedSchema,
  invitationListSchema,
  invitationPreviewSchema,
  memberResponseSchema,
  partnerResponseSchema,
  proposalListSchema,
  proposalResponseSchema,
  sectionResponseSchema,
  userResponseSchema,
  type CreateInvitationInput,
  type CreateProposalInput,
  type LoginRequest,
  type PartnerInput,
  type SignupRequest,
  type UpdateMeRequest,
  type UpdateMemberInput,
  type UpdateSectionInput,
} from '../shared/schemas';

/** An API refusal: the server's `{error:{code, params, field?}}` with its status (its message is the code, for logs). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** The code's parameters (e.g. `{ limit: 200 }`), for a translated message. */
    readonly params: Readonly<Record<string, string | number | readonly string[]>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Typed fetch: same-origin, cookie session, JSON in, response parsed with the shared schema. */
export async function call<S extends z.ZodType>(method: Method, path: string, schema: S | null, body?: unknown): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 'network', err instanceof Error ? err.message : 'Network error');
  }
  if (!res.ok) {
    const raw: unknown = await res.json().catch(() => null);
    const parsed = errorBodySchema.safeParse(raw);
    if (parsed.success) {
      const { code, params, field } = parsed.data.error;
      throw new ApiError(res.status, code, code, field, params);
    }
    throw new ApiError(res.status, 'http_error', res.statusText || `HTTP ${res.status}`);
  }
  if (schema === null || res.status === 204) return undefined as z.infer<S>;
  return schema.parse(await res.json());
}

export const api = {
  signup: (body: SignupRequest) => call('POST', '/auth/signup', userResponseSchema, body),
  login: (body: LoginRequest) => call('POST', '/auth/login', userResponseSchema, body),
  logout: () => call('POST', '/auth/logout', null, {}),
  me: () => call('GET', '/me', userResponseSchema),
  updateMe: (body: UpdateMeRequest) => call('PATCH', '/me', userResponseSchema, body),

  /** One page of the caller's proposals, newest first; `after` is the previous page's `next`. */
  proposals: (after?: string) => call('GET', `/proposals${after ? `?after=${encodeURIComponent(after)}` : ''}`, proposalListSchema),
  proposal: (id: string) => call('GET', `/proposals/${encodeURIComponent(id)}`, proposalResponseSchema),
  createProposal: (body: CreateProposalInput) => call('POST', '/proposals', proposalResponseSchema, body),

  addPartner: (proposalId: string, body: PartnerInput) =>
    call('POST', `/proposals/${encodeURIComponent(proposalId)}/partners`, partnerResponseSchema, body),
  /** One page of the proposal's invitations, newest first; `after` is the previous page's `next`. */
  invitations: (proposalId: string, after?: string) =>
    call('GET', `/proposals/${encodeURIComponent(proposalId)}/invitations${after ? `?after=${encodeURIComponent(after)}` : ''}`, invitationListSchema),
  createInvitation: (proposalId: string, body: CreateInvitationInput) =>
    call('POST', `/proposals/${encodeURIComponent(proposalId)}/invitations`, invitationCreatedSchema, body),
  previewInvitation: (token: string) => call('GET', `/invitations/${encodeURIComponent(token)}`, invitationPreviewSchema),
  acceptInvitation: (token: string) => call('POST', `/invitations/${encodeURIComponent(token)}/accept`, invitationAcceptedSchema, {}),

  updateMember: (proposalId: string, userId: string, body: UpdateMemberInput) =>
    call('PATCH', `/members/${encodeURIComponent(proposalId)}/${encodeURIComponent(userId)}`, memberResponseSchema, body),
  updateSection: (sectionId: string, body: UpdateSectionInput) =>
    call('PATCH', `/sections/${encodeURIComponent(sectionId)}`, sectionResponseSchema, body),
};
