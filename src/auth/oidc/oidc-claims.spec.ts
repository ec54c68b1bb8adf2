import { claimValues, mapClaims, profileOf } from './oidc-claims.js';

const SETTINGS = {
  rolesClaim: 'roles',
  roleMap: new Map([
    ['Remiss.Registrator', 'registrar' as const],
    ['Remiss.Sekreterare', 'clerk' as const],
    ['Remiss.Admin', 'admin' as const],
  ]),
  organisationClaim: 'department',
  organisationMap: new Map([
    ['Servicenamnden', 'SFN'],
    ['Styrelsen', '12'],
  ]),
};

describe('mapClaims', () => {
  it('maps roles and organisations through the maps, ignoring unknown values', () => {
    expect(
      mapClaims(
        {
          roles: ['Remiss.Sekreterare', 'Other.App', 'Remiss.Registrator', 'Remiss.Sekreterare'],
          department: ['Servicenamnden', 'Okänd'],
        },
        SETTINGS,
      ),
    ).toEqual({ roles: ['registrar', 'clerk'], organisationKeys: ['SFN'] });
  });

  it('takes a single string as one value and anything else as none', () => {
    expect(mapClaims({ roles: 'Remiss.Admin', department: 'Styrelsen' }, SETTINGS)).toEqual({
      roles: ['admin'],
      organisationKeys: ['12'],
    });
    expect(mapClaims({ roles: 7, department: { a: 1 } }, SETTINGS)).toEqual({
      roles: [],
      organisationKeys: [],
    });
    expect(mapClaims({}, { ...SETTINGS, organisationClaim: null })).toEqual({
      roles: [],
      organisationKeys: [],
    });
  });

  it('reads another claim when told to (groups)', () => {
    expect(
      mapClaims({ groups: ['Remiss.Registrator'] }, { ...SETTINGS, rolesClaim: 'groups' }).roles,
    ).toEqual(['registrar']);
    expect(claimValues({ groups: ['a', 1, 'b'] }, 'groups')).toEqual(['a', 'b']);
  });
});

describe('profileOf', () => {
  it('takes name and a valid e-mail address, lower-cased', () => {
    expect(profileOf({ sub: 'x', name: 'Rita Registrator', email: 'Rita@Kommun.se' })).toEqual({
      name: 'Rita Registrator',
      email: 'rita@kommun.se',
    });
  });

  it('falls back to given and family name, then the e-mail, then the subject', () => {
    expect(profileOf({ given_name: 'Rita', family_name: 'Ek', email: 'nope' })).toEqual({
      name: 'Rita Ek',
      email: null,
    });
    expect(profileOf({ sub: 's1', email: 'a@b.se' }).name).toBe('a@b.se');
    expect(profileOf({ sub: 's1' }).name).toBe('s1');
  });
});
