import { randomBytes } from 'node:crypto';
import { userResponseSchema, type SignupRequest, type User } from '../../shared/schemas/auth';
import type { Role } from '../../shared/schemas/common';
import {
  invitationAcceptedSchema,
  invitationCreatedSchema,
  partnerResponseSchema,
  proposalResponseSchema,
  type CreateProposalInput,
  type InvitationCreated,
  type Partner,
  type PartnerInput,
  type Proposal,
  type Section,
} from '../../shared/schemas/domain';
import { ApiClient, type JsonResponse } from './http';

/**
 * Test data built through the real HTTP API, the way a browser would. Every
 * helper asserts its own status, so a broken step fails where it happens.
 * This is the tests' one way to make users and proposals (`seedWorkshop` for
 * the four-town workshop, `buildWorld` for the collab suites' small world).
 */

/** Anything with a base URL: a TestServer or a RunningServer. */
export interface HasUrl {
  readonly url: string;
}

export const testPassword = 'correct horse battery staple';

/** An ApiClient signed in as `user`. */
export class UserClient extends ApiClient {
  constructor(
    baseUrl: string,
    public user: User,
  ) {
    super(baseUrl);
  }
}

function expectStatus<T>(res: JsonResponse<T>, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

const unique = () => randomBytes(5).toString('hex');

/** Signs up a new user with a unique email; the returned client carries the session cookie. */
export async function signUp(server: HasUrl, overrides: Partial<SignupRequest> = {}): Promise<UserClient> {
  const id = unique();
  const client = new ApiClient(server.url);
  const body: SignupRequest = { email: `user-${id}@example.test`, password: testPassword, name: `User ${id}`, ...overrides };
  const res = await client.post('/api/auth/signup', body);
  expectStatus(res, 201, 'signup');
  const { user } = userResponseSchema.parse(res.body);
  const signedIn = new UserClient(server.url, user);
  signedIn.cookie = client.cookie;
  return signedIn;
}

export const bologna: PartnerInput = { name: 'Comune di Bologna', town: 'Bologna', country: 'IT', kind: 'municipality' };
export const lulea: PartnerInput = { name: 'Luleå kommun', town: 'Luleå', country: 'SE', kind: 'municipality' };
export const laCoruna: PartnerInput = { name: 'Concello da Coruña', town: 'La Coruña', country: 'ES', kind: 'municipality' };
export const helsinki: PartnerInput = { name: 'Helsingin kaupunki', town: 'Helsinki', country: 'FI', kind: 'municipality' };

/** Creates a proposal (default: the CERV template, led by Bologna) and returns it as the API shows it. */
export async function createProposal(client: ApiClient, overrides: Partial<CreateProposalInput> = {}): Promise<Proposal> {
  const body: CreateProposalInput = { title: 'NTT+ Network of Towns', leadPartner: bologna, ...overrides };
  const res = await client.post('/api/proposals', body);
  expectStatus(res, 201, 'create proposal');
  return proposalResponseSchema.parse(res.body).proposal;
}

export async function getProposal(client: ApiClient, proposalId: string): Promise<Proposal> {
  const res = await client.get(`/api/proposals/${proposalId}`);
  expectStatus(res, 200, 'get proposal');
  return proposalResponseSchema.parse(res.body).proposal;
}

export async function addPartner(coordinator: ApiClient, proposalId: string, partner: PartnerInput): Promise<Partner> {
  const res = await coordinator.post(`/api/proposals/${proposalId}/partners`, partner);
  expectStatus(res, 201, 'add partner');
  return partnerResponseSchema.parse(res.body).partner;
}

export async function invite(coordinator: ApiClient, proposalId: string, partnerId: string, role: Role): Promise<InvitationCreated> {
  const res = await coordinator.post(`/api/proposals/${proposalId}/invitations`, { partnerId, role });
  expectStatus(res, 201, 'invite');
  return invitationCreatedSchema.parse(res.body);
}

export async function accept(client: ApiClient, token: string): Promise<string> {
  const res = await client.post(`/api/invitations/${token}/accept`);
  expectStatus(res, 200, 'accept invitation');
  return invitationAcceptedSchema.parse(res.body).proposalId;
}

/** Signs up a new user and joins them to `partnerId` with `role` through an invitation. */
export async function joinAs(
  server: HasUrl,
  coordinator: ApiClient,
  proposalId: string,
  partnerId: string,
  role: Role,
  overrides: Partial<SignupRequest> = {},
): Promise<{ client: UserClient; user: User }> {
  const client = await signUp(server, overrides);
  const { token } = await invite(coordinator, proposalId, partnerId, role);
  await accept(client, token);
  return { client, user: client.user };
}

export interface Workshop {
  proposal: Proposal;
  coordinator: UserClient;
  partners: { bologna: Partner; lulea: Partner; laCoruna: Partner; helsinki: Partner };
  /** One editor per partner, keyed like `partners`. */
  editors: { bologna: UserClient; lulea: UserClient; laCoruna: UserClient; helsinki: UserClient };
  reviewer: UserClient;
}

/** The workshop proposal's i-th section (throws when there is none). */
export function workshopSection(w: Pick<Workshop, 'proposal'>, i: number): Section {
  const s = w.proposal.sections[i];
  if (!s) throw new Error(`no section ${i}`);
  return s;
}

/**
 * The NTT+ workshop: a coordinator of Bologna (the lead), partners in Luleå,
 * La Coruña and Helsinki, an editor for each of the four, and a reviewer.
 * `proposal` is re-read at the end, so it lists every member.
 */
export async function seedWorkshop(server: HasUrl): Promise<Workshop> {
  const coordinator = await signUp(server, { name: 'Chiara Coordinator' });
  const created = await createProposal(coordinator, { title: 'NTT+ Network of Towns', leadPartner: bologna, theme: 'young-people' });
  const lead = created.partners.find((p) => p.isLead);
  if (!lead) throw new Error('seedWorkshop: no lead partner');
  const partners = {
    bologna: lead,
    lulea: await addPartner(coordinator, created.id, lulea),
    laCoruna: await addPartner(coordinator, created.id, laCoruna),
    helsinki: await addPartner(coordinator, created.id, helsinki),
  };
  const editor = async (key: keyof typeof partners, name: string) =>
    (await joinAs(server, coordinator, created.id, partners[key].id, 'editor', { name })).client;
  const editors = {
    bologna: await editor('bologna', 'Bruno Bologna'),
    lulea: await editor('lulea', 'Lena Luleå'),
    laCoruna: await editor('laCoruna', 'Carmen Coruña'),
    helsinki: await editor('helsinki', 'Heikki Helsinki'),
  };
  const reviewer = (await joinAs(server, coordinator, created.id, partners.helsinki.id, 'reviewer', { name: 'Rita Reviewer' })).client;
  const proposal = await getProposal(coordinator, created.id);
  return { proposal, coordinator, partners, editors, reviewer };
}

export interface CollabWorld {
  coordinator: UserClient;
  /** An editor of a second partner (owns no section until assigned). */
  editor: UserClient;
  /** A reviewer of the lead partner. */
  reviewer: UserClient;
  /** Signed in, but no member of the proposal. */
  outsider: UserClient;
  /** Re-read at the end, so it lists every member. */
  proposal: Proposal;
  /** The editor's partner (Luleå). */
  partnerId: string;
  sectionIds: string[];
}

/**
 * The collab suites' small world: a proposal led by Bologna with a coordinator
 * ("Coordinator"), an editor of a second partner, Luleå ("Editor"), a reviewer of
 * the lead ("Reviewer"), and a signed-in outsider ("Outsider").
 */
export async function buildWorld(server: HasUrl): Promise<CollabWorld> {
  const coordinator = await signUp(server, { name: 'Coordinator' });
  const created = await createProposal(coordinator, { title: 'Twin towns for democracy', leadPartner: bologna });
  const lead = created.partners.find((p) => p.isLead);
  if (!lead) throw new Error('buildWorld: no lead partner');
  const partner = await addPartner(coordinator, created.id, lulea);
  const [editor, reviewer, outsider] = await Promise.all([
    joinAs(server, coordinator, created.id, partner.id, 'editor', { name: 'Editor' }).then((j) => j.client),
    joinAs(server, coordinator, created.id, lead.id, 'reviewer', { name: 'Reviewer' }).then((j) => j.client),
    signUp(server, { name: 'Outsider' }),
  ]);
  const proposal = await getProposal(coordinator, created.id);
  return { coordinator, editor, reviewer, outsider, proposal, partnerId: partner.id, sectionIds: proposal.sections.map((s) => s.id) };
}
