/**
 * `GET /api/bodies/:id` gives each report obligation's effective Frist (after moves and the
 * calendar rules, as the Fristen page reads it) and the day it was handed in, also once the
 * body's life has ended and it has no Fristen any more; `show` and `state` judge lateness by it,
 * not by whether the chart happened to record the report overdue.
 */
import { cliAgainst } from './support/cli-run';
import { dissolvedReportBody } from './support/report-body';
import { startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

describe.each(testDatabaseKinds())('the effective report dates of a body (%s)', (database) => {
  let t: TestApp;
  let bodyId: string;

  /**
   * Given „AG Berichte“ with a Zwischenbericht due Tuesday 31.03.2026, handed in on 01.04.2026
   * (at the very instant its reportOverdue fell due, which yields to it: the chart never had the
   * report overdue), and an Abschlussbericht due Saturday 30.05.2026 (so Monday 01.06.2026),
   * handed in on 01.06.2026; the body dissolved on 15.06.2026.
   */
  beforeEach(async () => {
    t = await startTestApp({ database, now: '2026-11-28T09:00:00Z' });
    bodyId = await dissolvedReportBody(t, [
      ['reportSubmitted', '2026-04-01', { obligationId: 'r1' }],
      ['reportSubmitted', '2026-06-01', { obligationId: 'r2' }],
    ]);
  });
  afterEach(() => t.close());

  const cli = (args: string[]) => cliAgainst(t, args);
  const reportLine = (text: string, id: string) => text.split('\n').find((line) => line.startsWith(`${id} `));

  it('the body’s answer gives each report’s effective Frist and the day it was handed in, though the ended body has no Fristen any more', async () => {
    const body = (await t.http.get(`/api/bodies/${bodyId}`).expect(200)).body;
    expect(body.state.value).toBe('dissolved');
    expect((await t.http.get('/api/deadlines').query({ body: bodyId }).expect(200)).body).toEqual([]);
    expect(body.reportDates).toEqual([
      { obligationId: 'r1', effectiveDate: '2026-03-31', submittedOn: '2026-04-01' },
      { obligationId: 'r2', effectiveDate: '2026-06-01', submittedOn: '2026-06-01' },
    ]);
    // The chart never had the first report overdue: its record alone would not tell that it came late.
    expect(body.context.obligations.map((o: { overdueOn: string | null }) => o.overdueOn)).toEqual([null, null]);
    // The fields the answer had stay as they were.
    expect(body.reportNames.map((r: { obligationId: string }) => r.obligationId)).toEqual(['r1', 'r2']);
    expect(body.backfill).toBeNull();
  });

  it('show says the first report came late, read against the effective Frist the body’s answer gives, and not the second', async () => {
    const shown = await cli(['show', bodyId]);
    expect(shown.code).toBe(0);
    expect(reportLine(shown.stdout, 'r1')).toMatch(/\seingereicht am 01\.04\.2026, verspätet$/);
    expect(reportLine(shown.stdout, 'r2')).toMatch(/\seingereicht am 01\.06\.2026$/);
  });

  it('state at a Stichtag after the end says so too', async () => {
    const state = await cli(['state', bodyId, '--as-of', '01.07.2026']);
    expect(state.code).toBe(0);
    expect(reportLine(state.stdout, 'r1')).toMatch(/eingereicht am 01\.04\.2026, verspätet$/);
    expect(reportLine(state.stdout, 'r2')).toMatch(/eingereicht am 01\.06\.2026$/);
  });
});
