/**
 * Every code the server may put in an error body (`{ error: { code, params } }`),
 * defined once. The client renders each through the catalogue key
 * `error.code.<code>` with the params (ICU), and a test fails when a code has
 * no message in some language. Add a code here when you add a refusal.
 */
export const errorCodes = [
  // By kind (the HTTP status), when nothing narrower applies.
  'invalid_input',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'too_many_requests',
  'unsupported_media_type',
  'internal',
  // Narrower refusals.
  'snapshot_limit',
  'snapshot_size_limit',
  'snapshot_not_manual',
  'export_busy',
  'snapshot_busy',
  'history_busy',
  'pending_invitations_limit',
  'proposals_limit',
  'open_threads_limit',
  'thread_comments_limit',
  'no_session',
  'too_many_sockets',
  'server_full',
  // Refusals of a collab socket upgrade (server/collab/admission.ts), beside no_session, too_many_sockets, server_full.
  'foreign_origin',
  'section_not_found',
  'not_member',
  'shutting_down',
  // Input the schemas cannot check alone.
  'invalid_json',
  'wrong_password',
  'template_unknown',
  'theme_unknown',
  'mention_not_member',
  'reply_not_anchored',
  'reply_to_root',
  'resolve_root_only',
  'reason_required',
  'reason_not_allowed',
  'checklist_prompt_unknown',
  'required_item_unknown',
  // Who may do it.
  'bad_credentials',
  'comment_not_yours',
  'comment_deleted',
  'not_facilitator',
  // The state the request meets.
  'email_taken',
  'section_locked',
  'section_compacted',
  'status_transition',
  'not_ready_to_submit',
  'lead_partner',
  'partner_owns_sections',
  'partner_has_members',
  'last_coordinator',
  'meeting_open',
  'meeting_ended',
  'invitation_accepted',
  'already_member',
  // Verdicts and the workflow (part F, VRD).
  'verdict_own_section',
  'verdict_section_closed',
  'approval_needs_justification',
  // Invitation links (part C, TEAM).
  'invalid_emails',
  'no_emails',
  'too_many_emails',
  'invitation_revoked',
  'invitation_expired',
  'invitation_used_up',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export function isErrorCode(code: string): code is ErrorCode {
  return (errorCodes as readonly string[]).includes(code);
}
