/**
 * A month or a year of a Frist or a term end lies within the business dates (1949 to 2100), as a
 * day does. A report due „im Dezember 9999“ that recurs monthly was taken before: its next period
 * fell in the month 10000-01, which as text sorts before every day of the register, and the
 * scheduler fired one period after the other without end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

const SEED = readFileSync(join(__dirname, '../examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');

describe('months and years beyond the business dates are refused where they are given', () => {
  let t: TestApp;
  let body: string;
  const send = (command: object) => t.http.post(`/api/bodies/${body}/events`).send(command);
  const version = async () => (await t.http.get(`/api/bodies/${body}`).expect(200)).body.version as number;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-12-07T09:00:00Z' });
    body = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2026-11-02' }).expect(201)).body.id as string;
    await send({ type: 'submitted', occurredAt: '2026-11-03' }).expect(200);
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/69', issuer: 'IT-PLR', date: '2026-11-04', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body, effect: 'approved', data: { approvedUntil: '2027-12-31' } }] })
      .expect(201);
    await send({ type: 'approved', decision: '2026/69', occurredAt: '2026-11-04', data: { approvedUntil: '2027-12-31' } }).expect(200);
  }, 30_000);
  afterAll(() => t.close());

  test('a monthly report due in December 9999 is refused at its month, and nothing is written', async () => {
    const before = await version();
    const refused = await send({
      type: 'reportRequested',
      data: { kind: 'Zwischenbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '9999-12' }, recurrence: { everyMonths: 1 } },
    }).expect(400);
    expect(refused.body.details).toEqual([{ path: 'data.due.month', message: 'Der Monat liegt außerhalb des zulässigen Bereichs (1949-05 bis 2100-12).' }]);
    expect(await version()).toBe(before);
    // The last month of the range is taken.
    await send({ type: 'reportRequested', data: { kind: 'Zwischenbericht', addressee: 'IT-PLR', due: { kind: 'month', month: '2100-12' } } }).expect(200);
  });

  test('an extension, a registration and a decision until a year or month beyond 2100 are refused at it', async () => {
    const extension = await send({ type: 'extended', data: { approvedUntil: { year: '9999' } } }).expect(400);
    expect(extension.body.details).toEqual([{ path: 'data.approvedUntil.year', message: 'Das Jahr liegt außerhalb des zulässigen Bereichs (1949 bis 2100).' }]);
    const registration = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Ewig', expectedEnd: { year: '3025' } }).expect(400);
    expect(registration.body.details).toEqual([{ path: 'expectedEnd.year', message: 'Das Jahr liegt außerhalb des zulässigen Bereichs (1949 bis 2100).' }]);
    const day = await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title: 'Projektgruppe Schaltjahr', expectedEnd: '2027-02-29' }).expect(400);
    expect(day.body.details).toEqual([{ path: 'expectedEnd', message: 'Erwartet ein existierendes Kalenderdatum im Format JJJJ-MM-TT, z. B. 2025-03-31.' }]);
    const decision = await t.http
      .post('/api/decisions')
      .send({ number: '2026/70', issuer: 'IT-PLR', date: '2026-12-01', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Verlängerung', effects: [{ body, effect: 'extended', data: { approvedUntil: { month: '9999-12' } } }] })
      .expect(400);
    expect(decision.body.details).toEqual([{ path: 'effects[0].data.approvedUntil.month', message: 'Der Monat liegt außerhalb des zulässigen Bereichs (1949-05 bis 2100-12).' }]);
  });

  test('a registration form whose report is due „im November 9999“ is refused by the import, naming the month', async () => {
    const form = SEED.replace('im November 2024', 'im November 9999');
    expect(form).not.toBe(SEED);
    const refused = await t.http.post('/api/bodies/import?dryRun=true').set('Content-Type', 'text/plain; charset=utf-8').send(form).expect(400);
    expect(JSON.stringify(refused.body)).toContain('Der Monat liegt außerhalb des zulässigen Bereichs (1949-05 bis 2100-12).');
  });
});
