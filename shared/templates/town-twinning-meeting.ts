import { text } from './localized';
import type { CallTemplate } from './types';
import { templateSection } from './section';

const s = templateSection;

/** A generic, smaller template: one citizens' meeting between twinned towns. */
export const townTwinningMeeting: CallTemplate = {
  id: 'town-twinning-meeting',
  title: text(
    "Town twinning citizens' meeting",
    'Incontro di cittadini nell’ambito del gemellaggio di città',
    'Medborgarmöte inom vänortssamarbete',
    'Encuentro ciudadano de hermanamiento de ciudades',
    'Ystävyyskaupunkien kansalaistapaaminen',
  ),
  call: text('Generic town twinning', 'Gemellaggio di città generico', 'Allmänt vänortssamarbete', 'Hermanamiento de ciudades genérico', 'Yleinen ystävyyskuntatoiminta'),
  criteria: [
    { id: 'relevance', label: text('Relevance', 'Pertinenza', 'Relevans', 'Pertinencia', 'Merkityksellisyys') },
    {
      id: 'quality_design',
      label: text(
        'Quality: design and implementation',
        'Qualità: progettazione e attuazione',
        'Kvalitet: utformning och genomförande',
        'Calidad: diseño y ejecución',
        'Laatu: suunnittelu ja toteutus',
      ),
    },
    { id: 'impact', label: text('Impact', 'Impatto', 'Effekt', 'Impacto', 'Vaikuttavuus') },
  ],
  themes: [
    { id: 'civic-participation', label: text('Civic participation', 'Partecipazione civica', 'Medborgardeltagande', 'Participación cívica', 'Kansalaisosallistuminen') },
    { id: 'european-remembrance', label: text('European remembrance', 'Memoria europea', 'Europeiskt historiskt minne', 'Memoria europea', 'Eurooppalainen muisti') },
    { id: 'culture-exchange', label: text('Culture and exchange', 'Cultura e scambi', 'Kultur och utbyte', 'Cultura e intercambio', 'Kulttuuri ja vaihto') },
  ],
  rules: { minPartners: 2, minCountries: 2, pageLimit: 10 },
  sections: [
    s('summary', '1', text('Summary', 'Sintesi', 'Sammanfattning', 'Resumen', 'Tiivistelmä'), 'relevance', 500, 1500, [
      text('What is the meeting about?', 'Di che cosa tratta l’incontro?', 'Vad handlar mötet om?', '¿De qué trata el encuentro?', 'Mistä tapaamisessa on kyse?'),
      text('Which towns take part?', 'Quali città partecipano?', 'Vilka städer deltar?', '¿Qué ciudades participan?', 'Mitkä kaupungit osallistuvat?'),
      text('Why now?', 'Perché proprio ora?', 'Varför just nu?', '¿Por qué ahora?', 'Miksi juuri nyt?'),
    ]),
    s('objectives', '2', text('Objectives', 'Obiettivi', 'Mål', 'Objetivos', 'Tavoitteet'), 'relevance', 1000, 3000, [
      text(
        'What should participants take home?',
        'Che cosa dovrebbero portare a casa i partecipanti?',
        'Vad ska deltagarna ta med sig hem?',
        '¿Qué deberían llevarse los participantes?',
        'Mitä osallistujien pitäisi viedä mukanaan kotiin?',
      ),
      text(
        'How does the meeting strengthen the twinning?',
        'In che modo l’incontro rafforza il gemellaggio?',
        'Hur stärker mötet vänortssamarbetet?',
        '¿Cómo refuerza el encuentro el hermanamiento?',
        'Miten tapaaminen vahvistaa ystävyyskuntasuhdetta?',
      ),
      text(
        'Which European topic does it address?',
        'Quale tema europeo affronta?',
        'Vilket europeiskt ämne tar det upp?',
        '¿Qué tema europeo aborda?',
        'Mitä eurooppalaista aihetta se käsittelee?',
      ),
    ]),
    s(
      'programme',
      '3',
      text('Programme of the meeting', 'Programma dell’incontro', 'Mötets program', 'Programa del encuentro', 'Tapaamisen ohjelma'),
      'quality_design',
      1500,
      5000,
      [
        text('What happens on each day?', 'Che cosa succede in ciascuna giornata?', 'Vad händer varje dag?', '¿Qué ocurre cada día?', 'Mitä kunakin päivänä tapahtuu?'),
        text(
          'Who speaks or leads each activity?',
          'Chi interviene o guida ciascuna attività?',
          'Vem talar eller leder varje aktivitet?',
          '¿Quién interviene o dirige cada actividad?',
          'Kuka puhuu tai vetää kunkin toiminnon?',
        ),
        text(
          'How do citizens take an active part?',
          'In che modo i cittadini partecipano attivamente?',
          'Hur deltar medborgarna aktivt?',
          '¿Cómo participa activamente la ciudadanía?',
          'Miten kansalaiset osallistuvat aktiivisesti?',
        ),
      ],
      { requiredItems: [{ key: 'agenda', label: text('Day-by-day agenda', 'Programma giorno per giorno', 'Dagordning dag för dag', 'Agenda día a día', 'Päiväkohtainen ohjelma') }] },
    ),
    s(
      'participants',
      '4',
      text('Participants and outreach', 'Partecipanti e coinvolgimento', 'Deltagare och uppsökande arbete', 'Participantes y difusión', 'Osallistujat ja tavoittaminen'),
      'quality_design',
      1000,
      3000,
      [
        text(
          'How many participants come from each town?',
          'Quanti partecipanti arrivano da ciascuna città?',
          'Hur många deltagare kommer från varje stad?',
          '¿Cuántos participantes vienen de cada ciudad?',
          'Kuinka monta osallistujaa kustakin kaupungista tulee?',
        ),
        text('How are participants selected?', 'Come vengono selezionati i partecipanti?', 'Hur väljs deltagarna ut?', '¿Cómo se selecciona a los participantes?', 'Miten osallistujat valitaan?'),
        text(
          'How are people with fewer opportunities included?',
          'Come vengono incluse le persone con minori opportunità?',
          'Hur inkluderas personer med sämre förutsättningar?',
          '¿Cómo se incluye a las personas con menos oportunidades?',
          'Miten ihmiset, joilla on vähemmän mahdollisuuksia, otetaan mukaan?',
        ),
      ],
    ),
    s('logistics', '5', text('Logistics and budget', 'Logistica e bilancio', 'Logistik och budget', 'Logística y presupuesto', 'Logistiikka ja talousarvio'), 'quality_design', 800, 2500, [
      text(
        'Where do participants stay and meet?',
        'Dove alloggiano e si incontrano i partecipanti?',
        'Var bor och träffas deltagarna?',
        '¿Dónde se alojan y se reúnen los participantes?',
        'Missä osallistujat majoittuvat ja kokoontuvat?',
      ),
      text('How is travel organised?', 'Come sono organizzati i viaggi?', 'Hur ordnas resorna?', '¿Cómo se organizan los viajes?', 'Miten matkat järjestetään?'),
      text(
        'How is the budget split between towns?',
        'Come è ripartito il bilancio tra le città?',
        'Hur fördelas budgeten mellan städerna?',
        '¿Cómo se reparte el presupuesto entre las ciudades?',
        'Miten talousarvio jaetaan kaupunkien kesken?',
      ),
    ]),
    s(
      'follow-up',
      '6',
      text('Follow-up and visibility', 'Seguito e visibilità', 'Uppföljning och synlighet', 'Seguimiento y visibilidad', 'Jatkotoimet ja näkyvyys'),
      'impact',
      800,
      2500,
      [
        text('What happens after the meeting?', 'Che cosa succede dopo l’incontro?', 'Vad händer efter mötet?', '¿Qué ocurre después del encuentro?', 'Mitä tapaamisen jälkeen tapahtuu?'),
        text(
          'How will the results be shared locally?',
          'Come saranno condivisi i risultati a livello locale?',
          'Hur ska resultaten spridas lokalt?',
          '¿Cómo se compartirán los resultados a nivel local?',
          'Miten tuloksista kerrotaan paikallisesti?',
        ),
        text(
          'How will the funding be made visible?',
          'Come sarà reso visibile il finanziamento?',
          'Hur ska finansieringen synliggöras?',
          '¿Cómo se dará visibilidad a la financiación?',
          'Miten rahoitus tuodaan näkyviin?',
        ),
      ],
    ),
  ],
};
