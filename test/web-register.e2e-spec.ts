/**
 * „Gremium registrieren“ (/gremien/neu) over HTTP: the form posted as a browser posts it, each
 * refusal at its field with nothing stored, and what a registration stores.
 */
import { Database } from '../src/database/database';
import { rowCounts } from './support/row-counts';
import { startTestApp, type TestApp } from './support/test-app';

/** A filled-in form as the browser posts it; `fields` change or add to it. */
function form(fields: Record<string, string> = {}): Record<string, string> {
  return {
    title: 'Projektgruppe Registermodernisierung',
    kind: 'Projektgruppe',
    parent: 'IT-PLR',
    focusTopic: 'Digitale Anwendungen',
    leads: 'Hessen\nBremen',
    start: '2025-04-01',
    'reports[0].addressee': 'IT-Planungsrat',
    ...fields,
  };
}

describe('the web page „Gremium registrieren“', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-28T09:00:00Z' });
  }, 30_000);
  afterAll(() => t.close());

  const post = (fields: Record<string, string>) => t.http.post('/gremien').type('form').send(fields);
  const counts = () => rowCounts(t.app.get(Database));
  const registered = (location: string) => location.split('/')[2].split('?')[0];
  /** The error shown at a field (or fieldset) of the form, without its hidden "Fehler: ". */
  const errorAt = (page: string, id: string) => new RegExp(`id="registrierung-${id}-error"><span class="visually-hidden">Fehler: </span>([^<]*)</p>`).exec(page)?.[1];

  /** Refused with status `status`, nothing stored; the page of the refusal. */
  async function refused(fields: Record<string, string>, status = 400): Promise<string> {
    const before = await counts();
    const page = (await post(fields).expect(status)).text;
    expect(await counts()).toEqual(before);
    return page;
  }

  it('records a body with its real date of registration, so its history can follow with past dates', async () => {
    const page = (await t.http.get('/gremien/neu').expect(200)).text;
    expect(page).toContain('<label for="registrierung-registeredAt">Registriert am</label>');

    const created = await post(form({ title: 'Vorgeschichte 2025', registeredAt: '2025-02-10' })).expect(303);
    const id = registered(created.headers.location);
    const history = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body;
    expect(history.events[0]).toMatchObject({ type: 'registered', occurredAt: '2025-02-09T23:00:00.000Z' });
    // „Zur Beschlussfassung einreichen“ dated 05.03.2025: after the registration, so taken.
    await t.http.post(`/gremien/${id}/ereignisse`).type('form').send({ type: 'submitted', expectedVersion: '1', occurredAt: '2025-03-05' }).expect(303);
  });

  it('refuses a date of registration in the future at its field', async () => {
    const page = await refused(form({ title: 'Aus der Zukunft', registeredAt: '2026-12-01' }));
    expect(errorAt(page, 'registeredAt')).toBe('Das Datum der Registrierung liegt in der Zukunft.');
    expect(page).toContain('value="2026-12-01"');
  });

  it('asks for the kind of a report whose Frist is given, and registers none without a word', async () => {
    const page = await refused(form({ title: 'Bericht ohne Art', 'reports[0].due.kind': 'date', 'reports[0].due.date': '2025-10-01' }));
    expect(errorAt(page, 'reports-0-kind')).toBe('Bitte die Art des Berichts wählen: eine Fälligkeit oder ein Titel des Berichts ist angegeben.');
    // A radio once clicked cannot be cleared: its kind alone, with no date, plans no report.
    await post(form({ title: 'Kein Bericht', 'reports[0].due.kind': 'date' })).expect(303);
  });

  it('refuses a report due before the body starts, at the report\'s Frist and naming the report; the API alike', async () => {
    const early = { 'reports[0].kind': 'Zwischenbericht', 'reports[0].due.kind': 'date', 'reports[0].due.date': '2025-01-01' };
    const page = await refused(form({ title: 'Bericht vor Beginn', ...early }));
    expect(errorAt(page, 'reports-0-due-gruppe')).toBe('Der Zwischenbericht wäre am 01.01.2025 fällig, vor dem Beginn der Tätigkeit am 01.04.2025.');

    const api = await t.http
      .post('/api/bodies')
      .send({ title: 'Bericht vor Beginn', kind: 'Projektgruppe', parent: 'IT-PLR', focusTopic: 'Digitale Anwendungen', leads: ['Hessen'], start: '2025-04-01', reports: [{ kind: 'Abschlussbericht', title: 'Schlussbericht', addressee: 'IT-Planungsrat', due: { kind: 'month', month: '2025-03' } }] })
      .expect(400);
    expect(api.body.details).toEqual([{ path: 'reports[0].due', message: 'Der Abschlussbericht „Schlussbericht“ wäre im März 2025 fällig, vor dem Beginn der Tätigkeit am 01.04.2025.' }]);
  });

  it('reads a month typed as 07.2027 or 7/2027, and names only what is wrong with one it cannot read', async () => {
    for (const [title, month] of [['Monat mit Punkt', '07.2027'], ['Monat mit Schrägstrich', '7/2027']]) {
      const id = registered((await post(form({ title, 'expectedEnd.precision': 'month', 'expectedEnd.month': month })).expect(303)).headers.location);
      expect((await t.http.get(`/api/bodies/${id}`).expect(200)).body.context.profile.expectedEnd).toEqual({ month: '2027-07' });
    }
    const page = await refused(form({ title: 'Monat unlesbar', 'expectedEnd.precision': 'month', 'expectedEnd.month': 'Juli 2027' }));
    expect(errorAt(page, 'expectedEnd-month')).toBe('Erwartet einen Monat im Format JJJJ-MM, z. B. 2024-11.');
    expect(errorAt(page, 'expectedEnd-gruppe')).toBeUndefined();
    expect(page).not.toContain('liegt vor dem Beginn der Tätigkeit');
  });

  it('asks for a four-digit year in German, never with a pattern', async () => {
    const page = await refused(form({ title: 'Jahr zweistellig', 'expectedEnd.precision': 'year', 'expectedEnd.year': '25' }));
    expect(errorAt(page, 'expectedEnd-year')).toBe('Bitte das Jahr vierstellig angeben (z. B. 2025).');
    expect(page).not.toContain('Muster');
  });

  it('addresses a planned report to the IT-Planungsrat by the name the import and the event forms use', async () => {
    const page = (await t.http.get('/gremien/neu').expect(200)).text;
    expect(page).toContain('<option value="IT-Planungsrat" selected>IT-Planungsrat</option>');
    const report = { 'reports[0].kind': 'Zwischenbericht', 'reports[0].due.kind': 'month', 'reports[0].due.month': '2025-11' };
    // Also from a form drawn before the change (its option said `IT-PLR`).
    for (const [title, addressee] of [['Adressat neu', 'IT-Planungsrat'], ['Adressat alt', 'IT-PLR']]) {
      const id = registered((await post(form({ title, ...report, 'reports[0].addressee': addressee })).expect(303)).headers.location);
      const { obligations } = (await t.http.get(`/api/bodies/${id}`).expect(200)).body.context;
      expect(obligations.map((o: { kind: string; addressee: string }) => `${o.kind} an ${o.addressee}`)).toEqual(['Zwischenbericht an IT-Planungsrat']);
    }
  });

  it('refuses a title already registered, linking that body, unless the user confirms a second one', async () => {
    const first = registered((await post(form({ title: 'Doppelter Titel' })).expect(303)).headers.location);
    const page = await refused(form({ title: 'Doppelter Titel' }), 409);
    expect(page).toContain(`ist bereits registriert: <a href="/gremien/${first}">Doppelter Titel</a>`);
    expect(errorAt(page, 'title')).toBe('Unter diesem Titel ist bereits ein Gremium registriert. Bitte einen anderen Titel wählen oder „Trotzdem registrieren (gleicher Titel)“ ankreuzen.');
    expect(page).toContain('<label for="registrierung-allowDuplicate">Trotzdem registrieren (gleicher Titel)</label>');

    const second = registered((await post(form({ title: 'Doppelter Titel', allowDuplicate: 'on' })).expect(303)).headers.location);
    expect(second).not.toBe(first);
    const same = (await t.http.get('/api/bodies?q=Doppelter').expect(200)).body.filter((b: { title: string }) => b.title === 'Doppelter Titel');
    expect(same).toHaveLength(2);
  });
});
