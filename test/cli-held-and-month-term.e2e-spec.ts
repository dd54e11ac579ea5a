/**
 * The CLI over HTTP: `deadlines --held ja|nein` splits the Fristen as `GET /api/deadlines?held=`
 * and the Fristen page do, a wrong value is a usage error; `show`, `list` and `state` name a term
 * the decision wrote as a month as the body page, the Fristen page and `deadlines` do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliAgainst } from './support/cli-run';
import { approvedWorkingGroup } from './support/approved-bodies';
import { startTestApp, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const SEED = readFileSync(join(__dirname, '..', 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt'), 'utf8');
const OTHER = SEED.replace('Weiterentwicklung Struktur OZG Föderal', 'Cloud-Strategie Föderal').replace('Beschluss 2024/09', 'Beschluss 2024/10');
const IMPORT = '/api/bodies/import?applyDecision=true&procedure=Umlaufverfahren';

describe('gremienlauf deadlines --held', () => {
  let t: TestApp;
  let held: string;
  let other: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2024-12-10T09:00:00Z' });
    const importForm = async (text: string, query: string) => (await t.http.post(`${IMPORT}${query}`).set('Content-Type', 'text/plain; charset=utf-8').send(text).expect(201)).body.id as string;
    held = await importForm(SEED, '&decisionDate=2024-06-12&registeredAt=2024-06-03&backfill=true');
    other = await importForm(OTHER, '&decisionDate=2024-06-20');
  });
  afterAll(() => t.close());

  const bodiesOf = async (args: string[]) => {
    const run = await cliAgainst(t, ['deadlines', ...args, '--json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return (JSON.parse(run.stdout) as Array<{ bodyId: string; key: string }>).map((d) => d.bodyId);
  };

  test('--held ja gives only the Fristen of the body in Nacherfassung, --held nein only the others’, as the API’s held=true|false', async () => {
    const onHold = await bodiesOf(['--held', 'ja']);
    const running = await bodiesOf(['--held', 'nein']);
    expect(onHold.length).toBeGreaterThan(0);
    expect(new Set(onHold)).toEqual(new Set([held]));
    expect(new Set(running)).toEqual(new Set([other]));
    expect(onHold.length + running.length).toBe((await bodiesOf([])).length);
    // The API's spelling is taken too.
    expect(await bodiesOf(['--held', 'true'])).toEqual(onHold);
    expect(await bodiesOf(['--held', 'false'])).toEqual(running);
    const table = await cliAgainst(t, ['deadlines', '--held', 'ja']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Weiterentwicklung Struktur OZG Föderal');
    expect(table.stdout).not.toContain('Cloud-Strategie Föderal');
  });

  test('a value other than ja or nein is a usage error that says what --held takes', async () => {
    const run = await cliAgainst(t, ['deadlines', '--held', 'vielleicht']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('„vielleicht“ ist kein Wert für --held (erwartet ja: nur Gremien in Nacherfassung, oder nein: nur die übrigen).');
    expect(run.stdout).toBe('');
  });
});

describe('gremienlauf show, list and state: a term written as a month', () => {
  let t: TestApp;
  let id: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-12-01T09:00:00Z' });
    id = await approvedWorkingGroup(t, { title: 'AG Monatsende', reports: [], approvedUntil: { month: '2028-03' } });
  });
  afterAll(() => t.close());

  test('show names the month and its last day, as deadlines does', async () => {
    const show = await cliAgainst(t, ['show', id]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/\nBefristet bis:\s+März 2028 \(bis 31\.03\.2028\)\n/);
    const deadlines = await cliAgainst(t, ['deadlines', '--body', id]);
    expect(deadlines.stdout).toContain('März 2028 (bis 31.03.2028)');
  });

  test('list names the month and its last day in „befristet bis“, --json keeps the answer of the API', async () => {
    const list = await cliAgainst(t, ['list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n').find((l) => l.startsWith(id))).toMatch(/\sMärz 2028 \(bis 31\.03\.2028\)\s/);
    const json = await cliAgainst(t, ['list', '--json']);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ id, approvedUntil: '2028-03-31', approvedUntilAsWritten: { month: '2028-03' } })]);
  });

  test('state as of a day names it the same way', async () => {
    const state = await cliAgainst(t, ['state', id, '--as-of', '2026-06-01']);
    expect(state.code).toBe(0);
    expect(state.stdout).toMatch(/\nBefristet bis:\s+März 2028 \(bis 31\.03\.2028\)\n/);
  });
});
