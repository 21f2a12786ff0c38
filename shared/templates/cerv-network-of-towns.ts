import type { CallTemplate, SectionTemplate } from './types';

/**
 * CERV (Citizens, Equality, Rights and Values), strand "Network of Towns":
 * the technical description, Part B, in the order of the official form.
 */
const s = (
  key: string,
  number: string,
  title: string,
  criterion: string,
  minChars: number,
  maxChars: number,
  guidance: readonly string[],
  extra: Partial<Pick<SectionTemplate, 'requiredItems'>> = {},
): SectionTemplate => ({ key, number, title, criterion, minChars, maxChars, guidance, defaultOwner: 'lead', ...extra });

export const cervNetworkOfTowns: CallTemplate = {
  id: 'cerv-network-of-towns',
  title: 'CERV Network of Towns, Part B',
  call: 'CERV-2025-CITIZENS-TOWN-NT',
  criteria: [
    { id: 'general', label: 'Not scored' },
    { id: 'relevance', label: 'Relevance' },
    { id: 'quality_design', label: 'Quality: design and implementation' },
    { id: 'quality_partnership', label: 'Quality: partnership' },
    { id: 'impact', label: 'Impact' },
  ],
  themes: [
    { id: 'young-people', label: 'Young people and development' },
    { id: 'social-business', label: 'Social sector business' },
    { id: 'renewable-energy', label: 'Renewable energy sources' },
    { id: 'family-support', label: 'Family support in a gender-equality perspective' },
    { id: 'integration-employment', label: 'Integration and immigration in an employment perspective' },
  ],
  rules: { minPartners: 4, minCountries: 4, pageLimit: 40 },
  sections: [
    s('summary', '0', 'Project summary', 'general', 1000, 2000, [
      'What is the project about, in plain words?',
      'Which towns take part, and from which countries?',
      'What are the main activities and events?',
      'What will change for citizens when the project ends?',
    ]),
    s('background-objectives', '1.1', 'Background and general objectives', 'relevance', 3000, 7500, [
      'How does the project address the general objectives of the call?',
      'Which priority of the call does it address, and why this one?',
      'What is the European dimension of the topic?',
    ]),
    s('needs-analysis', '1.2', 'Needs analysis and specific objectives', 'relevance', 3000, 7500, [
      'Which needs and challenges of the partner towns does the project respond to?',
      'What evidence (data, studies, consultations) supports the needs analysis?',
      'What are the specific objectives, and how are they measurable?',
      'Who are the target groups, and how were they identified?',
    ]),
    s('complementarity', '1.3', 'Complementarity with other actions and innovation', 'relevance', 2000, 5000, [
      'How does the project build on previous projects, networks or twinnings?',
      'What is new or innovative compared with what exists?',
      'What is the EU added value: why transnationally rather than locally?',
    ]),
    s('concept-methodology', '2.1.1', 'Concept and methodology', 'quality_design', 4000, 10000, [
      'What is the concept, and how will the activities reach the objectives?',
      'Which methods will you use to involve citizens, including those rarely heard?',
      'How do the events fit together over the project lifetime?',
      'How are gender equality and non-discrimination taken into account?',
      'How will you reach people with fewer opportunities?',
    ]),
    s('management-quality', '2.1.2', 'Project management, quality assurance and monitoring and evaluation strategy', 'quality_design', 2500, 6000, [
      'How will the project be managed day to day?',
      'Which quality assurance measures will you use?',
      'How will progress be monitored and evaluated, with which indicators?',
    ]),
    s('teams-staff', '2.1.3', 'Project teams, staff and experts', 'quality_design', 1500, 4000, [
      'Who are the key staff in each partner, and what is their role?',
      'Which experience do they bring to the project?',
      'Will external experts be involved, and for what?',
    ]),
    s('cost-effectiveness', '2.1.4', 'Cost effectiveness and financial management', 'quality_design', 1500, 4000, [
      'How is the budget linked to the activities and events?',
      'How do you ensure value for money?',
      'How are financial flows between partners managed?',
    ]),
    s('risk-management', '2.1.5', 'Risk management', 'quality_design', 1000, 3500, [
      'Which risks could prevent the project from reaching its objectives?',
      'How likely is each risk, and what is its impact?',
      'Which mitigation measures are planned?',
    ], { requiredItems: [{ key: 'risk-table', label: 'Table of critical risks and mitigation measures' }] }),
    s('consortium-setup', '2.2.1', 'Consortium set-up', 'quality_partnership', 2000, 5000, [
      'Who are the partners, and why were they chosen?',
      'How does each partner contribute to the project?',
      'How balanced is the network (size of towns, countries, types of organisation)?',
      'How are new or less experienced partners involved?',
    ]),
    s('consortium-management', '2.2.2', 'Consortium management and decision-making', 'quality_partnership', 1500, 4000, [
      'How are decisions taken in the network?',
      'How do partners communicate between meetings?',
      'How will conflicts be resolved?',
    ]),
    s('impact-ambition', '3.1', 'Impact and ambition', 'impact', 2500, 6000, [
      'What are the expected short- and long-term results?',
      'How many citizens will take part, and how many will be reached indirectly?',
      'How will the results change local policy or practice?',
    ]),
    s('communication', '3.2', 'Communication, dissemination and visibility', 'impact', 2000, 5000, [
      'Who are the audiences of your communication, and which channels reach them?',
      'How will results be shared beyond the partner towns?',
      'How will EU funding be made visible?',
      'Which communication materials will be produced, and in which languages?',
    ]),
    s('sustainability', '3.3', 'Sustainability and continuation', 'impact', 1500, 4000, [
      'What will continue after the funding ends, and who will carry it on?',
      'How will the network stay active?',
      'Can the results be transferred to other towns?',
    ]),
    s('work-plan', '4.1', 'Work plan', 'quality_design', 1500, 4000, [
      'What are the main phases of the project?',
      'How are the work packages linked?',
      'What is the timing of each phase?',
    ], { requiredItems: [{ key: 'timetable', label: 'Timetable (Gantt chart)' }] }),
    s('work-packages-events', '4.2', 'Work packages, activities, resources and timing; events', 'quality_design', 4000, 12000, [
      'Which work packages are there, and what are their objectives?',
      'Which activities belong to each work package, and who leads them?',
      'Which events take place, where, when, and with how many participants?',
      'Which deliverables and milestones mark progress?',
      'Which resources does each partner commit?',
    ], {
      requiredItems: [
        { key: 'events', label: 'Table of events (place, date, participants)' },
        { key: 'deliverables', label: 'List of deliverables' },
        { key: 'milestones', label: 'List of milestones' },
      ],
    }),
    s('ethics-security', '5', 'Ethics and security', 'general', 500, 2500, [
      'Does the project raise ethical issues (minors, personal data, vulnerable people)?',
      'How will personal data of participants be protected?',
      'Are there security issues (classified information, misuse of results)?',
    ]),
  ],
};
