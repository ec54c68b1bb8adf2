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
    name: 'Rut Revisor',
    email: 'revisor@exempel.se',
    roles: ['reader'],
    organisations: [],
    what: 'reader (auditor) / revisor',
  },
];
