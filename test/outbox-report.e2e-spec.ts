import { caseWithDraft, sendRound } from './helpers/round-fixtures.js';
import { startTestApp, TestApp } from './helpers/test-app.js';

/**
 * The outbox as operators and registrars see it while nothing delivers (an api process alone, no
 * worker): invitations stay queued, and the admin report shows them by age and lists the stuck.
 */
describe('outbox report', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows undelivered invitations as queued, and lists mails pending for over 15 minutes to admins only', async () => {
    const fixture = await caseWithDraft(t, 3);
    const { id, sent } = await sendRound(t, fixture, {
      title: 'Remiss utan arbetsprocess',
      recipientKinds: ['committee'],
    });
    expect(sent.status).toBe(200);
    const round = await t.http().get(`/api/rounds/${id}`).set('Authorization', fixture.admin);
    expect(
      round.body.recipients.map((r: { status: string; sentAt: string | null }) => [
        r.status,
        r.sentAt,
      ]),
    ).toEqual([
      ['queued', null],
      ['queued', null],
      ['queued', null],
    ]);
    expect(round.body.summary).toMatchObject({ total: 3, pending: 3, failed: 0 });

    const rows = await t.sql<{ id: number }>(
      "SELECT id FROM mail_outbox WHERE kind = 'round-invitation' ORDER BY id",
    );
    expect(rows).toHaveLength(3);
    // Two of them have waited 20 minutes and 2 hours.
    await t.sql(
      'UPDATE mail_outbox SET created_at = created_at - INTERVAL 20 MINUTE WHERE id = ?',
      [rows[0].id],
    );
    await t.sql('UPDATE mail_outbox SET created_at = created_at - INTERVAL 2 HOUR WHERE id = ?', [
      rows[1].id,
    ]);

    const refused = await t
      .http()
      .get('/api/admin/outbox')
      .set('Authorization', fixture.registrar.auth);
    expect(refused.status).toBe(403);
    const report = await t.http().get('/api/admin/outbox').set('Authorization', fixture.admin);
    expect(report.status).toBe(200);
    expect(report.body.states).toEqual([
      {
        status: 'pending',
        total: 3,
        underOneMinute: 1,
        underFifteenMinutes: 0,
        underOneHour: 1,
        underOneDay: 1,
        older: 0,
      },
      ...['sent', 'failed', 'cancelled'].map((status) => ({
        status,
        total: 0,
        underOneMinute: 0,
        underFifteenMinutes: 0,
        underOneHour: 0,
        underOneDay: 0,
        older: 0,
      })),
    ]);
    expect(report.body.stuckTotal).toBe(2);
    expect(
      report.body.stuck.map((mail: { id: number; kind: string; roundId: number }) => [
        mail.id,
        mail.kind,
        mail.roundId,
      ]),
    ).toEqual([
      [rows[1].id, 'round-invitation', id],
      [rows[0].id, 'round-invitation', id],
    ]);
    expect(report.body.stuck[0]).toMatchObject({ attempts: 0, offers: 0, lastError: null });
  });
});
