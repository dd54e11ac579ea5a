import type { ContactInput } from '../../src/contacts/contact-input';
import { EXAMPLE_REGISTRATION } from '../../src/seed/example-registration';
import type { TestApp } from './test-app';

/**
 * Working groups of the AL-Runde, one per title (each with its own contacts where given),
 * submitted on 06.01.2026 and approved by 2026/10-AL (15.01.2026) until 31.12.2026, started on
 * 01.02.2026 as planned: the bodies the specs of decisions recorded under a wrong number work on.
 * Their ids, in the order of the titles.
 */
export async function approvedBodies(t: TestApp, bodies: ReadonlyArray<{ title: string; contacts?: ContactInput[] }>): Promise<string[]> {
  const ids: string[] = [];
  for (const { title, contacts } of bodies) {
    const registered = await t.http
      .post('/api/bodies')
      .send({ ...EXAMPLE_REGISTRATION, title, ...(contacts ? { contacts } : {}), parent: 'AL-Runde', start: '2026-02-01', expectedEnd: null, reports: [], registeredAt: '2026-01-05' })
      .expect(201);
    ids.push(registered.body.id as string);
  }
  for (const id of ids) await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
  await t.http
    .post('/api/decisions')
    .send({
      number: '2026/10-AL',
      issuer: 'AL-Runde',
      date: '2026-01-15',
      procedure: 'Umlaufverfahren',
      type: 'Beschluss',
      title: 'Einrichtung',
      effects: ids.map((id) => ({ body: id, effect: 'approved', data: { approvedUntil: '2026-12-31' } })),
    })
    .expect(201);
  for (const effect of ids.keys()) await t.http.post(`/api/decisions/AL-Runde/${encodeURIComponent('2026/10-AL')}/apply`).send({ effect }).expect(200);
  return ids;
}

/**
 * A working group of the IT-PLR („Lena Lead“ its contact), registered on 02.01.2026 to start on
 * 01.02.2026 with the given reports, submitted on 03.01.2026 and approved until `approvedUntil`
 * by Beschluss 2026/01 of 20.01.2026 (Umlaufverfahren): the body the term and dating specs begin
 * with. Its id.
 */
export async function approvedWorkingGroup(t: TestApp, body: { title: string; reports: object[]; approvedUntil: unknown }): Promise<string> {
  const registered = await t.http
    .post('/api/bodies')
    .send({
      title: body.title,
      kind: 'Arbeitsgruppe',
      parent: 'IT-PLR',
      focusTopic: 'Datennutzung',
      leads: ['Bund'],
      contacts: [{ name: 'Lena Lead' }],
      start: '2026-02-01',
      reports: body.reports,
      registeredAt: '2026-01-02',
    })
    .expect(201);
  const id = registered.body.id as string;
  const send = (command: object) => t.http.post(`/api/bodies/${id}/events`).send(command).expect(200);
  await send({ type: 'submitted', occurredAt: '2026-01-03' });
  const approved = { approvedUntil: body.approvedUntil };
  await t.http
    .post('/api/decisions')
    .send({ number: '2026/01', issuer: 'IT-PLR', date: '2026-01-20', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: approved }] })
    .expect(201);
  await send({ type: 'approved', data: approved, decision: '2026/01' });
  return id;
}

/**
 * A working group of the AL-Runde led by Hessen with one contact person (`contact`, the lead
 * reminders are e-mailed to), registered at the clock's now to start on `start` with a
 * Zwischenbericht to the IT-Planungsrat due on each of `dues`, submitted, and approved until
 * `approvedUntil` by the AL-Runde's `decision` (Umlaufverfahren): the body the specs of its lead's
 * reminders begin with. Its id.
 */
export async function approvedLeadGroup(
  t: TestApp,
  body: { title: string; contact: ContactInput; start: string; dues: readonly string[]; approvedUntil: string; decision: { number: string; date: string } },
): Promise<string> {
  const registered = await t.http
    .post('/api/bodies')
    .send({
      title: body.title,
      kind: 'Arbeitsgruppe',
      parent: 'AL-Runde',
      focusTopic: 'Digitale Anwendungen',
      leads: ['Hessen'],
      contacts: [body.contact],
      start: body.start,
      expectedEnd: body.approvedUntil,
      reports: body.dues.map((date) => ({ kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date } })),
    })
    .expect(201);
  const id = registered.body.id as string;
  await t.http.post(`/api/bodies/${id}/events`).send({ type: 'submitted' }).expect(200);
  const approved = { approvedUntil: body.approvedUntil };
  await t.http
    .post('/api/decisions')
    .send({ ...body.decision, issuer: 'AL-Runde', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Einrichtung', effects: [{ body: id, effect: 'approved', data: approved }] })
    .expect(201);
  await t.http.post(`/api/bodies/${id}/events`).send({ type: 'approved', decision: body.decision.number, data: approved }).expect(200);
  return id;
}
