import type { CallTemplate } from './types';

/** A generic, smaller template: one citizens' meeting between twinned towns. */
export const townTwinningMeeting: CallTemplate = {
  id: 'town-twinning-meeting',
  title: "Town twinning citizens' meeting",
  call: 'Generic town twinning',
  criteria: [
    { id: 'relevance', label: 'Relevance' },
    { id: 'quality_design', label: 'Quality: design and implementation' },
    { id: 'impact', label: 'Impact' },
  ],
  themes: [
    { id: 'civic-participation', label: 'Civic participation' },
    { id: 'european-remembrance', label: 'European remembrance' },
    { id: 'culture-exchange', label: 'Culture and exchange' },
  ],
  rules: { minPartners: 2, minCountries: 2, pageLimit: 10 },
  sections: [
    { key: 'summary', number: '1', title: 'Summary', criterion: 'relevance', minChars: 500, maxChars: 1500, defaultOwner: 'lead', guidance: [
      'What is the meeting about?',
      'Which towns take part?',
      'Why now?',
    ] },
    { key: 'objectives', number: '2', title: 'Objectives', criterion: 'relevance', minChars: 1000, maxChars: 3000, defaultOwner: 'lead', guidance: [
      'What should participants take home?',
      'How does the meeting strengthen the twinning?',
      'Which European topic does it address?',
    ] },
    { key: 'programme', number: '3', title: 'Programme of the meeting', criterion: 'quality_design', minChars: 1500, maxChars: 5000, defaultOwner: 'lead', guidance: [
      'What happens on each day?',
      'Who speaks or leads each activity?',
      'How do citizens take an active part?',
    ], requiredItems: [{ key: 'agenda', label: 'Day-by-day agenda' }] },
    { key: 'participants', number: '4', title: 'Participants and outreach', criterion: 'quality_design', minChars: 1000, maxChars: 3000, defaultOwner: 'lead', guidance: [
      'How many participants come from each town?',
      'How are participants selected?',
      'How are people with fewer opportunities included?',
    ] },
    { key: 'logistics', number: '5', title: 'Logistics and budget', criterion: 'quality_design', minChars: 800, maxChars: 2500, defaultOwner: 'lead', guidance: [
      'Where do participants stay and meet?',
      'How is travel organised?',
      'How is the budget split between towns?',
    ] },
    { key: 'follow-up', number: '6', title: 'Follow-up and visibility', criterion: 'impact', minChars: 800, maxChars: 2500, defaultOwner: 'lead', guidance: [
      'What happens after the meeting?',
      'How will the results be shared locally?',
      'How will the funding be made visible?',
    ] },
  ],
};
