/** council = kommunfullmäktige/kommunstyrelse, committee = nämnd/utskott, company = bolag,
 * federation = kommunalförbund, external = förening/myndighet. */
export const ORGANISATION_KINDS = [
  'council',
  'committee',
  'company',
  'federation',
  'external',
] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];
