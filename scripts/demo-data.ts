/** The demo's people, partners, drafted text and dates (npm run demo; see demo.ts). */
import type { Locale, Role } from '../shared/schemas';
import type { PartnerInput } from '../shared/schemas/domain';

export const PASSWORD = 'twinpad-demo-2026';
export const TITLE = 'NTT+ Network of Towns: young people in the Arctic and the Mediterranean';

export interface DemoUser {
  key: 'coordinator' | 'bologna' | 'lulea' | 'laCoruna' | 'helsinki' | 'reviewer';
  name: string;
  email: string;
  locale: Locale;
  partner: PartnerKey;
  role: Role;
}
export type PartnerKey = 'bologna' | 'lulea' | 'laCoruna' | 'helsinki';

export const partnerInputs: Record<PartnerKey, PartnerInput> = {
  bologna: { name: 'Comune di Bologna', town: 'Bologna', country: 'IT', kind: 'municipality' },
  lulea: { name: 'Luleå kommun', town: 'Luleå', country: 'SE', kind: 'municipality' },
  laCoruna: { name: 'Concello da Coruña', town: 'La Coruña', country: 'ES', kind: 'municipality' },
  helsinki: { name: 'Helsingin kaupunki', town: 'Helsinki', country: 'FI', kind: 'municipality' },
};

export const users: DemoUser[] = [
  { key: 'coordinator', name: 'Chiara Bianchi', email: 'chiara@bologna.demo', locale: 'it', partner: 'bologna', role: 'coordinator' },
  { key: 'bologna', name: 'Marco Ferri', email: 'marco@bologna.demo', locale: 'it', partner: 'bologna', role: 'editor' },
  { key: 'lulea', name: 'Lena Nilsson', email: 'lena@lulea.demo', locale: 'sv', partner: 'lulea', role: 'editor' },
  { key: 'laCoruna', name: 'Carmen Varela', email: 'carmen@coruna.demo', locale: 'es', partner: 'laCoruna', role: 'editor' },
  { key: 'helsinki', name: 'Heikki Virtanen', email: 'heikki@helsinki.demo', locale: 'fi', partner: 'helsinki', role: 'editor' },
  { key: 'reviewer', name: 'Rita Berg', email: 'rita@review.demo', locale: 'en', partner: 'helsinki', role: 'reviewer' },
];

/** Drafted text by section position: paragraphs, and which partner owns it. */
export const drafts: { index: number; owner: PartnerKey; paragraphs: string[] }[] = [
  {
    index: 0,
    owner: 'bologna',
    paragraphs: [
      'NTT+ brings together four towns at the two ends of Europe, Bologna, Luleå, La Coruña and Helsinki, to give young people a real voice in local decisions.',
      'Over 24 months the partners hold four transnational meetings, each hosted by one town, where young citizens, officials and NGOs work on shared challenges: youth employment, renewable energy and inclusion.',
    ],
  },
  {
    index: 1,
    owner: 'lulea',
    paragraphs: [
      'Luleå and Helsinki face long winters and a shrinking young population; Bologna and La Coruña face youth unemployment above the national average.',
      'The network builds on the twinning links of the 2010 NTT+ meetings and turns them into a lasting structure for youth participation.',
    ],
  },
  {
    index: 2,
    owner: 'laCoruna',
    paragraphs: ['Each meeting ends with a public citizens’ forum. Results are published in the four languages of the partnership.'],
  },
  { index: 3, owner: 'helsinki', paragraphs: [] },
];

export const partnerKeys = ['bologna', 'lulea', 'laCoruna', 'helsinki'] as const satisfies readonly PartnerKey[];

const DAY_MS = 86_400_000;
/** `today` plus `days`, as YYYY-MM-DD (UTC). */
export const daysFromToday = (today: Date, days: number) => new Date(today.getTime() + days * DAY_MS).toISOString().slice(0, 10);

/** The call deadline: four months ahead, whenever the demo runs. */
export const deadline = (today: Date) => daysFromToday(today, 120);

/**
 * Section `i`'s due date: the first two fell due last week and the week before
 * (so the board shows what late looks like), the rest follow every five days.
 */
export const dueDate = (today: Date, i: number) => daysFromToday(today, -10 + i * 5);
