import { DEMO_PASSWORD } from './demo-data.js';

/** What the demo's browser tour points at: the ids of the story's round, cases and meetings. */
export interface TourStops {
  base: string;
  strategyCaseNumber: string;
  strategyRoundId: number;
  openRoundTitle: string;
  decisionMeetingId: number;
  decisionItemId: number;
  adminEmail: string;
}

interface TourRole {
  who: string;
  email: string;
  steps: string[];
}

/** One journey per role: whom to sign in as, and where to go in the browser. */
export function tourRoles(stops: TourStops): TourRole[] {
  const { base } = stops;
  return [
    {
      who: 'Registrator / registrar',
      email: 'registrator@exempel.se',
      steps: [
        `Remisser → ${base}/rounds/${stops.strategyRoundId}: status per remissinstans, svaren, sammanställningen`,
        `Ärenden → ${stops.strategyCaseNumber}: handlingar, remisser, paragrafer, historik; "Ny remiss"`,
      ],
    },
    {
      who: 'Remissinstans / respondent (Servicenämnden)',
      email: 'servicenamnden@exempel.se',
      steps: [
        `Inkorg → ${base}/inbox: "${stops.openRoundTitle}" är öppen; hämta tjänsteskrivelsen (Word)`,
        'Svara: ställningstagande, synpunkt per punkt, beslutsreferens och fil → kvitto med diarienummer',
      ],
    },
    {
      who: 'Remissinstans för två nämnder / respondent for two committees',
      email: 'kultur@exempel.se',
      steps: [
        `Inkorg → ${base}/inbox: samma remiss till Kultur- och fritidsnämnden och Samhällsbyggnadsnämnden`,
        'Välj vilken nämnd som svarar; ett andra svar ersätter det första efter en varning',
      ],
    },
    {
      who: 'Nämndsekreterare / clerk',
      email: 'sekreterare@exempel.se',
      steps: [
        `Sammanträden → ${base}/meetings/${stops.decisionMeetingId}: paragraferna, protokollet, anslaget`,
        `Paragrafen → ${base}/meetings/${stops.decisionMeetingId}/items/${stops.decisionItemId}: låst efter justering, utdrag, expediering`,
        'Nytt sammanträde: lägg till paragrafer (koppla ärende genom sökning), ändra ordning, justera',
      ],
    },
    {
      who: 'Systemförvaltare / admin',
      email: stops.adminEmail,
      steps: [
        `Administration → ${base}/admin/organisations: katalogen som träd; ny organisation`,
        `${base}/admin/users: ny användare, roller, organisationer, inaktivera, nytt lösenord`,
        `${base}/admin/audit: granskningsloggen, filtrerad på objekt, användare och datum`,
      ],
    },
    {
      who: 'Revisor / reader',
      email: 'revisor@exempel.se',
      steps: [
        'Remisser, Ärenden och Sammanträden utan knappar för att ändra',
        'Ärenden: det sekretessbelagda ärendet står som "Sekretessbelagt ärende", utan rubrik och handlingar',
      ],
    },
  ];
}

/** The tour as the demo prints it: one block per role. */
export function browserTour(stops: TourStops): string {
  const blocks = tourRoles(stops).map((role) =>
    [
      `  ${role.who}: logga in som / sign in as ${role.email}`,
      ...role.steps.map((step) => `    – ${step}`),
    ].join('\n'),
  );
  return [
    `Rundtur i webbläsaren / browser tour (${stops.base}/login, lösenord / password ${DEMO_PASSWORD}):`,
    ...blocks,
  ].join('\n');
}
