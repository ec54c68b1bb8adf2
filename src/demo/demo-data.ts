import type { OrganisationKind } from '../organisations/organisation-kind.js';
import type { Role } from '../users/role.js';

export interface DemoOrganisation {
  name: string;
  kind: OrganisationKind;
  seriesCode?: string;
  email: string;
  parent?: string;
}

/** The directory of "Exempel kommun": the bodies a remiss on a municipal strategy goes to. */
export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    name: 'Kommunfullmäktige',
    kind: 'council',
    seriesCode: 'KF',
    email: 'kommunfullmaktige@exempel.se',
  },
  {
    name: 'Kommunstyrelsen',
    kind: 'council',
    seriesCode: 'KS',
    email: 'kommunstyrelsen@exempel.se',
  },
  {
    name: 'Kommunstyrelsens utskott för integration och arbetsmarknad',
    kind: 'committee',
    email: 'integrationsutskottet@exempel.se',
    parent: 'Kommunstyrelsen',
  },
  {
    name: 'Servicenämnden',
    kind: 'committee',
    seriesCode: 'SFN',
    email: 'servicenamnden@exempel.se',
  },
  {
    name: 'Barn- och ungdomsnämnden',
    kind: 'committee',
    seriesCode: 'BUN',
    email: 'bun@exempel.se',
  },
  {
    name: 'Utbildningsnämnden',
    kind: 'committee',
    seriesCode: 'UN',
    email: 'utbildningsnamnden@exempel.se',
  },
  { name: 'Socialnämnden', kind: 'committee', seriesCode: 'SN', email: 'socialnamnden@exempel.se' },
  {
    name: 'Omsorgsnämnden',
    kind: 'committee',
    seriesCode: 'ON',
    email: 'omsorgsnamnden@exempel.se',
  },
  {
    name: 'Kultur- och fritidsnämnden',
    kind: 'committee',
    seriesCode: 'KFN',
    email: 'kfn@exempel.se',
  },
  {
    name: 'Samhällsbyggnadsnämnden',
    kind: 'committee',
    seriesCode: 'SBN',
    email: 'sbn@exempel.se',
  },
  {
    name: 'Miljö- och hälsoskyddsnämnden',
    kind: 'committee',
    seriesCode: 'MHN',
    email: 'mhn@exempel.se',
  },
  {
    name: 'Överförmyndarnämnden',
    kind: 'committee',
    seriesCode: 'ÖFN',
    email: 'overformyndaren@exempel.se',
  },
  { name: 'Exempel Kommunföretag AB', kind: 'company', email: 'kommunforetag@exempel.se' },
  { name: 'Exempel Bostäder AB', kind: 'company', email: 'info@exempelbostader.se' },
  { name: 'Exempel Vatten AB', kind: 'company', email: 'info@exempelvatten.se' },
  { name: 'Exempel Energi AB', kind: 'company', email: 'info@exempelenergi.se' },
  { name: 'Exempel Hamn AB', kind: 'company', email: 'info@exempelhamn.se' },
  { name: 'Gymnasieförbundet', kind: 'federation', email: 'registrator@gymnasieforbundet.se' },
  { name: 'Funktionsrätt Exempel', kind: 'external', email: 'styrelsen@funktionsratt-exempel.se' },
  {
    name: 'DHR Exempel – förbundet för delaktighet',
    kind: 'external',
    email: 'exempel@dhr.se',
  },
  { name: 'Pensionärsrådet', kind: 'external', email: 'pensionarsradet@exempel.se' },
];

export interface DemoUser {
  name: string;
  email: string;
  roles: Role[];
  organisations: string[];
  what: string;
}

export const DEMO_PASSWORD = 'remiss-demo-2026';

export const DEMO_USERS: DemoUser[] = [
  {
    name: 'Rebecka Registrator',
    email: 'registrator@exempel.se',
    roles: ['registrar'],
    organisations: ['Kommunstyrelsen'],
    what: 'registrar / registrator',
  },
  {
    name: 'Sven Sekreterare',
    email: 'sekreterare@exempel.se',
    roles: ['clerk'],
    organisations: ['Kommunstyrelsen'],
    what: 'clerk / nämndsekreterare',
  },
  {
    name: 'Sara Servicenämnden',
    email: 'servicenamnden@exempel.se',
    roles: ['respondent'],
    organisations: ['Servicenämnden'],
    what: 'respondent for Servicenämnden / kontaktperson',
  },
  {
    name: 'Bo Barn- och ungdomsnämnden',
    email: 'bun@exempel.se',
    roles: ['respondent'],
    organisations: ['Barn- och ungdomsnämnden'],
    what: 'respondent for Barn- och ungdomsnämnden / kontaktperson',
  },
  {
    name: 'Karin Kultur',
    email: 'kultur@exempel.se',
    roles: ['respondent'],
    organisations: ['Kultur- och fritidsnämnden', 'Samhällsbyggnadsnämnden'],
    what: 'respondent for two committees / kontaktperson för två nämnder',
  },
  {
    name: 'Rut Revisor',
    email: 'revisor@exempel.se',
    roles: ['reader'],
    organisations: [],
    what: 'reader (auditor) / revisor',
  },
];

export interface DemoDocument {
  fileName: string;
  title: string;
  direction: 'incoming' | 'outgoing' | 'internal';
  counterpart?: string;
  date: string;
  confidentiality?: string;
  lines: string[];
}

export interface DemoCase {
  title: string;
  description: string;
  organisation: string;
  classification: string;
  confidential?: boolean;
  documents: DemoDocument[];
}

export const DEMO_CASES: DemoCase[] = [
  {
    title: 'Strategi för etnisk och kulturell inkludering',
    description:
      'Förslag till strategi som skickas på remiss till samtliga nämnder och bolag inom kommunkoncernen.',
    organisation: 'Kommunstyrelsen',
    classification: '1.4.2',
    documents: [
      {
        fileName: 'Förslag till strategi för etnisk och kulturell inkludering.pdf',
        title: 'Förslag till strategi för etnisk och kulturell inkludering',
        direction: 'internal',
        date: '2021-05-10',
        lines: [
          'Strategi för etnisk och kulturell inkludering',
          'Förslag, remissversion',
          '',
          '4. Bostad och bosättning',
          '4.3 I Kalmar ska bostadsområden med social utsatthet utvecklas positivt',
          '4.3 a  Det ska finnas tillgång till attraktiva mötesplatser i bostadsområden.',
          '4.3 b  Trygghet och attraktivitet i bostadsområden ska öka.',
          '5. Social sammanhållning och delaktighet',
          '5.1 a  Ett fokuserat arbete kring sociala nätverk ska bedrivas.',
        ],
      },
    ],
  },
  {
    title: 'Riktlinjer för digital tillgänglighet',
    description:
      'Förslag till riktlinjer för tillgängliga digitala tjänster, på remiss till berörda nämnder.',
    organisation: 'Kommunstyrelsen',
    classification: '1.4.2',
    documents: [
      {
        fileName: 'Förslag till riktlinjer för digital tillgänglighet.pdf',
        title: 'Förslag till riktlinjer för digital tillgänglighet',
        direction: 'internal',
        date: '2026-10-19',
        lines: [
          'Riktlinjer för digital tillgänglighet',
          'Förslag, remissversion',
          '',
          '1. Webbplatser och e-tjänster ska uppfylla lagen om tillgänglighet till digital offentlig service.',
          '2. Varje nämnd utser en ansvarig för tillgänglighet.',
          '3. Tillgängligheten följs upp årligen.',
        ],
      },
    ],
  },
  {
    title: 'Ansökan om skyddat boende',
    description: 'Ärendet innehåller uppgifter om enskilds personliga förhållanden.',
    organisation: 'Kommunstyrelsen',
    classification: '2.3.1',
    confidential: true,
    documents: [
      {
        fileName: 'Ansökan.pdf',
        title: 'Ansökan om skyddat boende',
        direction: 'incoming',
        counterpart: 'Enskild',
        date: '2026-11-02',
        confidentiality: 'OSL 26 kap. 1 §',
        lines: ['Ansökan', '(sekretess)'],
      },
    ],
  },
];

/** The remiss the demo sends: the strategy case's draft to every committee and company. */
export const DEMO_ROUND = {
  caseTitle: 'Strategi för etnisk och kulturell inkludering',
  title: 'Förslag till strategi för etnisk och kulturell inkludering',
  message:
    'Kommunstyrelsens utskott för integration och arbetsmarknad har beslutat att skicka förslaget ' +
    'till strategi för etnisk och kulturell inkludering på remiss till samtliga nämnder och bolag ' +
    'inom kommunkoncernen.\n\nLämna gärna synpunkter per punkt i handlingsplanen och ange er ' +
    'egen beslutsparagraf och ert diarienummer.',
  daysToAnswer: 35,
  sections: [
    { ref: '4.3 a', title: 'Attraktiva mötesplatser i bostadsområden' },
    { ref: '4.3 b', title: 'Trygghet och attraktivitet i bostadsområden' },
    { ref: '4.3 c', title: 'Ökad bosocial samvaro' },
    { ref: '5.1 a', title: 'Sociala nätverk och partnerskap med civilsamhället' },
    { ref: '5.2 b', title: 'Samordnat mottagande och snabb etablering för nyanlända' },
  ],
};

/**
 * A second remiss, still open: the guidelines to four committees, sent five days ago with three
 * weeks to answer, so that the respondents have something to answer in their inbox.
 */
export const DEMO_OPEN_ROUND = {
  caseTitle: 'Riktlinjer för digital tillgänglighet',
  title: 'Förslag till riktlinjer för digital tillgänglighet',
  message:
    'Kommunstyrelsen skickar förslaget till riktlinjer för digital tillgänglighet på remiss. ' +
    'Lämna synpunkter per punkt och ange er egen beslutsparagraf.',
  daysAgo: 5,
  daysToAnswer: 21,
  sections: [
    { ref: '1', title: 'Webbplatser och e-tjänster' },
    { ref: '2', title: 'Ansvar i nämnderna' },
    { ref: '3', title: 'Uppföljning' },
  ],
  recipients: [
    'Servicenämnden',
    'Barn- och ungdomsnämnden',
    'Kultur- och fritidsnämnden',
    'Samhällsbyggnadsnämnden',
  ],
};

export interface DemoAnswer {
  organisation: string;
  position: 'approve' | 'approve_with_comments' | 'reject' | 'no_comments' | 'declined';
  summary?: string;
  comments?: { sectionRef: string; text: string }[];
  /** The body's own decision: its paragraph; the case number is its own case's when it has one. */
  decision?: { organ: string; paragraph: string };
  /** Answers with the respondent account of the organisation, otherwise through the link. */
  asUser?: string;
}

/** Answers that came in time: one committee approves, one company declines. */
export const DEMO_ANSWERS_IN_TIME: DemoAnswer[] = [
  {
    organisation: 'Barn- och ungdomsnämnden',
    position: 'approve',
    summary:
      'Barn- och ungdomsnämnden ställer sig bakom förslaget till strategi. Nämndens verksamheter ' +
      'bidrar redan i dag till flera av målen, särskilt inom fritids- och skolområdet.',
    decision: { organ: 'Barn- och ungdomsnämnden', paragraph: '54' },
    asUser: 'bun@exempel.se',
  },
  {
    organisation: 'Exempel Hamn AB',
    position: 'declined',
    summary:
      'Bolaget avstår från att lämna synpunkter då strategin inte berör bolagets verksamhet.',
  },
];

/** Servicenämnden's answer, within its extended deadline, with a comment on point 4.3 a (the reference case). */
export const DEMO_EXTENDED_ANSWER: DemoAnswer = {
  organisation: 'Servicenämnden',
  position: 'approve_with_comments',
  summary:
    'Servicenämnden ställer sig bakom förslaget till strategi med en synpunkt på handlingsplanens ' +
    'punkt 4.3 a.',
  comments: [
    {
      sectionRef: '4.3 a',
      text:
        'Serviceförvaltningen har i strategin tilldelats övergripande ansvar för punkt 4.3 a. ' +
        'Förvaltningen beslutar inte kring etablering av mötesplatser i bostadsområden och kan ' +
        'således inte vara huvudansvarig för denna punkt. Dock kan förvaltningen bidra till att ' +
        'uppföra och underhålla beslutade mötesplatser.',
    },
  ],
  decision: { organ: 'Servicenämnden', paragraph: '87' },
  asUser: 'servicenamnden@exempel.se',
};

/** The utskott's decision to send the draft on remiss: § 19 of the reference case. */
export const DEMO_DECISION = {
  organisation: 'Kommunstyrelsens utskott för integration och arbetsmarknad',
  paragraph: 19,
  meeting: {
    startsAt: '08:30',
    place: 'Stadshuset, sammanträdesrum Kalmarsund',
    chair: 'Dzenita Abaza',
    secretary: 'Oliver Wykman',
    adjusters: ['Erik Ciardi'],
    present: ['Dzenita Abaza, ordförande', 'Erik Ciardi', 'Anna Bergström', 'Mikael Johansson'],
    keptAt: 'Kommunledningskontoret, Stadshuset',
  },
  title: 'Strategi för etnisk och kulturell inkludering – beslut om remiss',
  documents: 'Kommunledningskontorets skrivelse från den 12 maj 2021.',
  background: [
    "I juni 2016 antogs Vision 2025 där kommunens övergripande visioner formuleras. 'Ett Kalmar för alla' är en vision som tydligt signalerar att kommunen ska vara en öppen välkomnande kommun där kulturell och mänsklig mångfald bidrar till attraktivitet liksom jämlikhet och jämställdhet.",
    'En framgångsrik inkludering för utrikesfödda är bidragande till kommunkoncernens framtida tillväxt och välfärd samt utveckling av demokrati.',
    'I verksamhetsplanen finns ett uppdrag gällande att ta fram en integrations- och etableringsstrategi. Det är första gången en samlad strategi för hela kommunkoncernen tas fram inom området. Strategin har sin utgångspunkt i överenskommelsen för hållbar utveckling som antogs av Sverige 2015 – De globala målen och Agenda 2030.',
    'Syftet med strategin är att skapa långsiktighet i målarbetet, underlätta samverkan samt ge en helhetsbild över prioriterade områden under den närmaste fyraårsperioden.',
    'Förslag till strategi föreslås nu skickas på remiss till nämnder och bolag inom kommunkoncernen.',
  ].join('\n\n'),
  deliberation:
    'Under överläggningen redovisar Carolina Andersson, kommunledningskontoret, förslag om ny strategi för etnisk och kulturell inkludering.',
  decision:
    'Kommunstyrelsens utskott för integration och arbetsmarknad godkänner att strategin skickas på remissrunda till samtliga nämnder och bolag inom kommunkoncernen.',
  sendTo: ['Kommunledningskontoret'],
};

/** The outside bodies the remiss also goes to; they answer through their links only. */
export const DEMO_OUTSIDE_RECIPIENTS = [
  'Funktionsrätt Exempel',
  'DHR Exempel – förbundet för delaktighet',
];

/** Servicenämnden asks for more time: its committee meets after the deadline. */
export const DEMO_EXTENSION = {
  organisation: 'Servicenämnden',
  reason:
    'Servicenämnden sammanträder först efter svarstiden och behöver fatta beslut om yttrandet.',
  /** Days after the day it is granted. */
  days: 14,
};

/** Kommunstyrelsen's final decision on the strategy, after the remiss. */
export const DEMO_FINAL_DECISION = {
  organisation: 'Kommunstyrelsen',
  paragraph: 142,
  meeting: {
    startsAt: '13:00',
    place: 'Stadshuset, sessionssalen',
    chair: 'Johan Persson',
    secretary: 'Sven Sekreterare',
    adjusters: ['Dzenita Abaza', 'Carl-Henrik Sölvinger'],
    present: [
      'Johan Persson, ordförande',
      'Dzenita Abaza',
      'Carl-Henrik Sölvinger',
      'Anna Bergström',
    ],
    keptAt: 'Kommunledningskontoret, Stadshuset',
  },
  title: 'Strategi för etnisk och kulturell inkludering – antagande',
  documents:
    'Kommunledningskontorets skrivelse.\nRemissammanställning.\nFörslag till strategi för etnisk och kulturell inkludering.',
  background:
    'Förslaget till strategi har varit på remiss hos samtliga nämnder och bolag inom kommunkoncernen samt hos två funktionsrättsorganisationer. Remissvaren har sammanställts. Servicenämndens synpunkt på punkt 4.3 a har lett till att ansvaret för mötesplatser i bostadsområden har flyttats till samhällsbyggnadsnämnden.',
  decision:
    'Kommunstyrelsen föreslår kommunfullmäktige att anta strategi för etnisk och kulturell inkludering.',
  sendTo: ['Kommunfullmäktige'],
};
