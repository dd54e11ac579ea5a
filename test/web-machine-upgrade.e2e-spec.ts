/**
 * A body recorded under an older version of the statechart on its web page: the Geschäftsstelle
 * sees which rules it follows and moves it to the newest version with a button; the Verlauf
 * names the versions of the rules apart from the events' numbers. Once moved, a transfer
 * decision that waits for the final report says so at the decision, as a refusal would.
 */
import { BODY_MACHINE_VERSION } from '../machines';
import { machineVersion } from '../src/audit/machine-versions';
import { decisionFacts, lead, recordStream, registration } from './audit-builders';
import { storeRecordedStream } from './support/stored-stream';
import { startTestApp, type TestApp } from './support/test-app';

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('moving a body to the newest statechart version on its page', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-06-11T09:00:00Z' });
    const v3 = machineVersion('body', 3)!;
    const records = recordStream(
      [
        { type: 'submitted', occurredAt: '2024-05-10T09:00:00.000Z', actor: lead },
        { type: 'approved', data: { permanent: true }, occurredAt: '2024-06-20T12:00:00.000Z', decision: decisionFacts('2024/12', '2024-06-20') },
        { type: 'started', occurredAt: '2024-07-01T07:00:00.000Z' },
        { type: 'closureInitiated', data: { finalReportDue: { kind: 'month', month: '2026-09' } }, occurredAt: '2026-06-01T10:00:00.000Z' },
      ],
      { machine: v3, registration: registration({ expectedEnd: null }) },
    );
    await storeRecordedStream(t, records, v3);
    id = records[0].bodyId;
  }, 60_000);
  afterAll(() => t.close());

  test('the Geschäftsstelle sees the rules’ version, what the newest changes, and „Auf Version 6 umstellen“; others see no button', async () => {
    expect(BODY_MACHINE_VERSION).toBe(6);
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    expect(text(page)).toContain('Regeln des Lebenslaufs: Version 3');
    expect(text(page)).toContain(
      'Dieses Gremium folgt noch Version 3 des Lebenslaufs; seit Version 4 ist eine Überführung in eine Nachfolgestruktur ein geordneter Abschluss (erst mit einem zur Kenntnis genommenen oder entfallenen Abschlussbericht)',
    );
    expect(text(page)).toContain(
      'lässt die Laufzeit sofort ablaufen; seit Version 5 trägt ein Bericht, der unter einem eigenen Titel eingereicht wird, diesen Titel allein: die folgenden Berichte einer wiederkehrenden Berichtspflicht behalten den Titel der Reihe; und ein durch Beschluss geforderter Bericht kennt diesen Beschluss, sodass die Beschlusskontrolle genau ihm folgt; seit Version 6 kann die Geschäftsstelle bei einem später erfassten Bericht oder Verlängerungsantrag den Tag seines Eingangs angeben: er gilt als an diesem Tag eingereicht (ein Bericht etwa fristgerecht, obwohl schon „überfällig“ vermerkt war); und ein durch Beschluss zur Kenntnis genommener Bericht gilt als am Tag des Beschlusses zur Kenntnis genommen, auch wenn die Kenntnisnahme erst später erfasst wird. Die Umstellung wird im Verlauf erfasst',
    );
    expect(page).toContain(`<form method="post" action="/gremien/${id}/lebenslauf-umstellen" class="inline">`);
    expect(page).toContain('>Auf Version 6 umstellen</button>');
    for (const role of ['auditor', 'reader'] as const) {
      const other = (await (await t.user(role)).http.get(`/gremien/${id}`).expect(200)).text;
      expect(other).not.toContain('lebenslauf-umstellen');
      expect(other).not.toContain('Dieses Gremium folgt noch Version 3');
    }
    const reader = await t.user('reader');
    await reader.http.post(`/gremien/${id}/lebenslauf-umstellen`).type('form').send({}).expect(403);
  });

  test('the button moves the body once, lands on its page with a notice, and the Verlauf names the rules’ versions unambiguously', async () => {
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    const form = /<form method="post" action="[^"]+\/lebenslauf-umstellen" class="inline">([\s\S]*?)<\/form>/.exec(page)![1];
    const fields = Object.fromEntries([...form.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    expect(fields).toEqual({ idempotencyKey: expect.any(String), expectedVersion: '5' });
    const moved = await t.http.post(`/gremien/${id}/lebenslauf-umstellen`).type('form').send(fields).expect(303);
    const again = await t.http.post(`/gremien/${id}/lebenslauf-umstellen`).type('form').send(fields).expect(303);
    expect(again.headers.location).toBe(moved.headers.location);
    expect(moved.headers.location).toBe(`/gremien/${id}?erfolg=umgestellt#history`);
    const events = (await t.http.get(`/api/bodies/${id}/history`).expect(200)).body.events as Array<{ type: string }>;
    expect(events.filter((e) => e.type === 'machineUpgraded')).toHaveLength(1);

    const after = (await t.http.get(moved.headers.location).expect(200)).text;
    expect(after).toContain('Das Gremium folgt nun Version 6 des Lebenslaufs.');
    expect(text(after)).toContain('Regeln des Lebenslaufs: Version 6');
    expect(after).not.toContain('lebenslauf-umstellen');
    expect(after).toContain('<p class="history__summary">Regeln des Lebenslaufs von Version 3 auf 6 umgestellt</p>');

    // Moved already: a stale form is refused on the page and changes nothing.
    const stale = await t.http.post(`/gremien/${id}/lebenslauf-umstellen`).type('form').send({}).expect(422);
    expect(stale.text).toContain('Nicht umgestellt: Das Gremium folgt bereits der neuesten Version 6 des Lebenslaufs.');
  });

  test('a transfer decision that waits for the open final report names the rule and the report at the decision', async () => {
    await t.http
      .post('/api/decisions')
      .send({ number: '2026/41', issuer: 'IT-PLR', date: '2026-06-11', procedure: 'Umlaufverfahren', type: 'Beschluss', title: 'Überführung', effects: [{ body: id, effect: 'transferred', data: { successor: { name: 'AG Nachfolge' } } }] })
      .expect(201);
    const refused = await t.http.post(`/api/bodies/${id}/events`).send({ type: 'transferred', data: { successor: { name: 'AG Nachfolge' } }, decision: '2026/41' }).expect(422);
    const page = (await t.http.get(`/gremien/${id}`).expect(200)).text;
    const section = /<section aria-labelledby="open-decisions"[\s\S]*?<\/section>/.exec(page)![0];
    expect(section).toContain('Beschluss 2026/41');
    expect(section).toContain(`<p class="hint">${refused.body.message}</p>`);
    expect(section).toContain('Offen ist: Abschlussbericht');
    expect(section).not.toContain('nicht möglich.');
  });
});
