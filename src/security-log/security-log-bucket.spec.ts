import {
  bucketOf,
  FOLDED,
  minuteOf,
  ROWS_PER_ADDRESS_PER_MINUTE,
  ROWS_PER_MINUTE,
} from './security-log-bucket.js';
import type { SecurityIncident } from './security-log.service.js';

const incident: SecurityIncident = {
  kind: 'login_failed',
  origin: {
    clientAddress: '203.0.113.7',
    method: 'POST',
    route: '/api/auth/login',
    requestId: 'r1',
    clientRequestId: null,
  },
  account: '  Karin.Berg@Exempel.se ',
  userId: null,
};

describe('security log buckets', () => {
  it('counts an event in its own row while the address is under its share', () => {
    expect(bucketOf(incident, ROWS_PER_ADDRESS_PER_MINUTE, 1)).toEqual({
      clientAddress: '203.0.113.7',
      method: 'POST',
      route: '/api/auth/login',
      account: 'karin.berg@exempel.se',
      userId: null,
    });
  });

  it('folds an address past its share into one row per kind, keeping the address', () => {
    expect(bucketOf(incident, ROWS_PER_ADDRESS_PER_MINUTE + 1, 30)).toEqual({
      clientAddress: '203.0.113.7',
      method: FOLDED,
      route: FOLDED,
      account: FOLDED,
      userId: null,
    });
  });

  it('folds everything past the minute-wide share, addresses too', () => {
    expect(bucketOf(incident, 1, ROWS_PER_MINUTE + 1)).toEqual({
      clientAddress: FOLDED,
      method: FOLDED,
      route: FOLDED,
      account: FOLDED,
      userId: null,
    });
  });

  it('records no account as an empty one and cuts an overlong one', () => {
    expect(bucketOf({ ...incident, account: null }, 1, 1).account).toBe('');
    expect(
      bucketOf({ ...incident, account: `${'a'.repeat(300)}@x.se` }, 1, 1).account,
    ).toHaveLength(254);
  });

  it('counts by the UTC minute', () => {
    expect(minuteOf(new Date('2026-12-02T10:15:59.999Z')).toISOString()).toBe(
      '2026-12-02T10:15:00.000Z',
    );
  });
});
