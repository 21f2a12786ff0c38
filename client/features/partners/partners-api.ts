import { call } from '../../api';
import { partnerResponseSchema, templateListSchema, type PartnerInput, type UpdatePartnerInput } from '../../../shared/schemas';
import { templateDetailSchema, type RemovePartnerInput } from '../../../shared/schemas/partners';

/** The partners page's and the new-proposal form's calls (CTRY5-9), on the app's typed fetch. */
export const partnersApi = {
  updatePartner: (partnerId: string, body: UpdatePartnerInput) => call('PATCH', `/partners/${encodeURIComponent(partnerId)}`, partnerResponseSchema, body),
  addPartner: (proposalId: string, body: PartnerInput) => call('POST', `/proposals/${encodeURIComponent(proposalId)}/partners`, partnerResponseSchema, body),
  removePartner: (partnerId: string, body: RemovePartnerInput) => call('DELETE', `/partners/${encodeURIComponent(partnerId)}`, null, body),
  removeMember: (proposalId: string, userId: string) => call('DELETE', `/members/${encodeURIComponent(proposalId)}/${encodeURIComponent(userId)}`, null),
  templates: () => call('GET', '/templates', templateListSchema),
  template: (id: string) => call('GET', `/templates/${encodeURIComponent(id)}`, templateDetailSchema),
};
