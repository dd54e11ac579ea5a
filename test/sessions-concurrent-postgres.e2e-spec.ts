/**
 * The writers of one issuer's sessions calendar on PostgreSQL, on two instances at the same
 * instant, take turns as SQLite's single writer has them anyway: a new session has no row to
 * lock yet, so each would check its day against the calendar and the register without the
 * other's uncommitted session or decision (src/sessions/session-order.ts). Each writer is held
 * after its checks, before its commit; the other must wait for it and then see it.
 *
 * Two new sessions happen to be serialised by the trigger that raises `sessions_revision` too
 * (one row, updated by every session writer); a decision taken in a session is not, and only
 * the issuer's calendar lock makes it wait.
 */
import { Client } from 'pg';
import { DeadlinesService } from '../src/deadlines/deadlines.service';
import { DecisionsService } from '../src/decisions/decisions.service';
import { recordSeedBody } from './deadlines.support';
import { openTestDatabase, startTestApp, testDatabaseKinds, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('new sessions of one issuer entered at once on PostgreSQL', () => {
  let first: TestApp;
  let second: TestApp;
  let observer: Client;

  beforeEach(async () => {
    const { config } = await openTestDatabase('postgres');
    first = await startTestApp({ databaseConfig: config });
    second = await startTestApp({ databaseConfig: config });
    observer = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await observer.connect();
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await observer.end();
    await second.close();
    await first.close();
  });

  /** A gate a writer waits at: `reached` tells `atGate` it is there, `release` lets it go on (`held`). */
  function gate(): { held: Promise<void>; reached: () => void; atGate: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const atGate = new Promise<void>((resolve) => (reached = resolve));
    return { held, reached, atGate, release };
  }

  /**
   * Holds the first writer that re-derives the deadlines (after its checks, before its commit)
   * until `release`; `atGate` resolves once it is held.
   */
  function holdFirstRederive(): { atGate: Promise<void>; release: () => void } {
    const { held, reached, atGate, release } = gate();
    const rederive = DeadlinesService.prototype.rederiveAll;
    let calls = 0;
    jest.spyOn(DeadlinesService.prototype, 'rederiveAll').mockImplementation(async function (this: DeadlinesService, tx) {
      if (++calls === 1) {
        reached();
        await held;
      }
      return rederive.call(this, tx);
    });
    return { atGate, release };
  }

  /** 'waiting' once some transaction waits for a lock another holds, 'done' if `writer` answers first. */
  async function waitingOrDone(writer: Promise<unknown>): Promise<'waiting' | 'done'> {
    let answered = false;
    void writer.then(() => (answered = true));
    while (!answered) {
      const { rows } = await observer.query<{ n: string }>('SELECT count(*) AS n FROM pg_locks WHERE NOT granted');
      if (Number(rows[0].n) > 0) return 'waiting';
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return 'done';
  }

  it('the second writer waits for the first and is refused when its day breaks the order; the calendar stays in order', async () => {
    // The first writer is held after its checks, before its commit.
    const { atGate, release } = holdFirstRederive();

    const fifth = first.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 5, date: '2025-03-10' }).then((r) => r);
    await atGate;
    // The 6. Sitzung before the 5.: only one of the two can stand.
    const sixth = second.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 6, date: '2025-03-01' }).then((r) => r);
    const sixthAlone = await waitingOrDone(sixth);
    release();
    const [a, b] = await Promise.all([fifth, sixth]);

    expect(sixthAlone).toBe('waiting');
    expect(a.status).toBe(201);
    expect([b.status, b.body.details]).toEqual([
      400,
      [
        {
          path: 'date',
          message:
            'Die 6. Sitzung (IT-PLR) kann nicht am 01.03.2025 sein: Die Sitzungen zählen mit ihren Tagen aufwärts, aber die 5. Sitzung ist erst am 10.03.2025. Passend ist ein Tag ab dem 10.03.2025 (5. Sitzung).',
        },
      ],
    ]);
    expect((await first.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body.map((s: { number: number; date: string }) => [s.number, s.date])).toEqual([[5, '2025-03-10']]);
  });

  it('a decision taken in a session entered at the same instant waits for it and is refused when its day is another', async () => {
    const { atGate, release } = holdFirstRederive();

    // The session has checked that no decision of the register was taken in it on another day, and is not committed yet.
    const session = first.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 3, date: '2025-03-10' }).then((r) => r);
    await atGate;
    const decision = second.http
      .post('/api/decisions')
      .send({ number: '2025/04', issuer: 'IT-PLR', date: '2025-03-11', procedure: 'Sitzung', session: 3, type: 'Kenntnisnahme', title: 'Bericht zur Kenntnis' })
      .then((r) => r);
    const decisionAlone = await waitingOrDone(decision);
    release();
    const [s, d] = await Promise.all([session, decision]);

    expect(decisionAlone).toBe('waiting');
    expect(s.status).toBe(201);
    expect([d.status, d.body.details]).toEqual([
      400,
      [{ path: 'date', message: 'Die 3. Sitzung (IT-PLR) ist laut Sitzungskalender am 10.03.2025: Ein Beschluss in dieser Sitzung ist vom 10.03.2025, nicht vom 11.03.2025.' }],
    ]);
    expect((await first.http.get('/api/decisions?issuer=IT-PLR').expect(200)).body).toEqual([]);
  });

  it('a session entered while a decision taken in it on another day is being recorded waits for it and is refused', async () => {
    const { held, reached, atGate, release } = gate();
    // The decision has checked its day against the calendar (no 3. Sitzung yet) and is not committed yet.
    const effects = DecisionsService.prototype as unknown as { checkEffects: (...args: unknown[]) => Promise<unknown> };
    const checkEffects = effects.checkEffects;
    jest.spyOn(effects, 'checkEffects').mockImplementation(async function (this: DecisionsService, ...args: unknown[]) {
      reached();
      await held;
      return checkEffects.apply(this, args);
    });

    const decision = first.http
      .post('/api/decisions')
      .send({ number: '2025/04', issuer: 'IT-PLR', date: '2025-03-11', procedure: 'Sitzung', session: 3, type: 'Kenntnisnahme', title: 'Bericht zur Kenntnis' })
      .then((r) => r);
    await atGate;
    const session = second.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 3, date: '2025-03-10' }).then((r) => r);
    const sessionAlone = await waitingOrDone(session);
    release();
    const [d, s] = await Promise.all([decision, session]);

    expect(sessionAlone).toBe('waiting');
    expect(d.status).toBe(201);
    expect([s.status, s.body.details]).toEqual([
      400,
      [{ path: 'date', message: 'Die 3. Sitzung (IT-PLR) kann nicht am 10.03.2025 sein: Laut Beschlussregister wurde Beschluss 2025/04 am 11.03.2025 in ihr gefasst.' }],
    ]);
    expect((await first.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body).toEqual([]);
  });

  it('a session moved while a write to a body derives its Fristen with the day before waits for that write, then derives them with the new day', async () => {
    const id = await recordSeedBody(first);
    await first.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 46, date: '2025-03-20' }).expect(201);
    // The write has derived its Fristen (the 46. Sitzung on 20.03.2025) and is not committed yet.
    const { held, reached, atGate, release } = gate();
    const project = DeadlinesService.prototype.project;
    jest.spyOn(DeadlinesService.prototype, 'project').mockImplementation(async function (this: DeadlinesService, ...args: Parameters<DeadlinesService['project']>) {
      await project.apply(this, args);
      // The request's own event (the body's start, due since June, comes first in the same unit of work).
      if (args[1].event.type !== 'reportRequested') return;
      reached();
      await held;
    });
    second.clock.set('2024-09-02T10:00:00Z');
    const request = second.http
      .post(`/api/bodies/${id}/events`)
      .send({ type: 'reportRequested', data: { kind: 'Jahresbericht', addressee: 'IT-Planungsrat', due: { kind: 'session', issuer: 'IT-PLR', session: 46 } } })
      .then((r) => r);
    await atGate;
    const move = first.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 46, date: '2025-03-27' }).then((r) => r);
    const moveAlone = await waitingOrDone(move);
    release();
    const [r, m] = await Promise.all([request, move]);

    expect(moveAlone).toBe('waiting');
    expect([r.status, m.status]).toEqual([200, 200]);
    const report = (await first.http.get(`/api/deadlines?body=${id}`).expect(200)).body.find((d: { ref: string }) => d.ref === 'r2');
    expect(report).toMatchObject({ originalDate: '2025-03-27', effectiveDate: '2025-03-27' });
    const { rows } = await observer.query<{ key: string; due_at: string }>(`SELECT key, due_at FROM timers WHERE key LIKE $1 ORDER BY key`, [`${id}/report%/r2`]);
    expect(rows).toEqual([
      { key: `${id}/reportDue/r2`, due_at: '2025-03-26T23:00:00.000Z' },
      { key: `${id}/reportOverdue/r2`, due_at: '2025-03-27T23:00:00.000Z' },
    ]);
  });

  it('a session whose locks of the bodies run into a deadlock with another transaction is entered again, not answered with 500', async () => {
    const ids = [await recordSeedBody(first)];
    const registration = { title: 'Arbeitsgruppe Register', kind: 'Arbeitsgruppe', parent: 'AL-Runde', focusTopic: 'Digitale Anwendungen', leads: ['Hessen'], start: '2025-01-06' };
    ids.push((await first.http.post('/api/bodies').send(registration).expect(201)).body.id as string);
    ids.sort();
    // Another transaction holds the last body and, once the session waits for it, asks for the first, which the session holds.
    // Its own deadlock check comes late, so PostgreSQL gives up the session's transaction (after deadlock_timeout, 1 s).
    const other = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await other.connect();
    try {
      await other.query("BEGIN; SET LOCAL deadlock_timeout = '60s'");
      await other.query('SELECT id FROM bodies WHERE id = $1 FOR UPDATE', [ids[1]]);
      const session = first.http.post('/api/sessions').send({ issuer: 'IT-PLR', number: 7, date: '2025-05-08' }).then((r) => r);
      expect(await waitingOrDone(session)).toBe('waiting');
      // Granted only once the session's transaction is given up: so the deadlock did cost the session's first attempt.
      await other.query('SELECT id FROM bodies WHERE id = $1 FOR UPDATE', [ids[0]]);
      await other.query('ROLLBACK');
      const answer = await session;

      expect([answer.status, answer.body]).toEqual([201, expect.objectContaining({ issuer: 'IT-PLR', number: 7, date: '2025-05-08' })]);
    } finally {
      await other.end();
    }
    const { rows } = await observer.query<{ type: string; n: string }>("SELECT type, count(*) AS n FROM audit_log WHERE type = 'sessionScheduled' GROUP BY type");
    expect(rows).toEqual([{ type: 'sessionScheduled', n: '1' }]);
  });

  it('ten new sessions of one issuer entered at once end in a calendar whose numbers rise with their days', async () => {
    // Days in the reverse order of the numbers: of those entered together, each later one breaks the order of an earlier one.
    const entries = Array.from({ length: 10 }, (_, i) => ({ issuer: 'IT-PLR', number: i + 1, date: `2025-04-${String(20 - i).padStart(2, '0')}` }));
    const responses = await Promise.all(entries.map((entry, i) => (i % 2 === 0 ? first : second).http.post('/api/sessions').send(entry)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 400)).toHaveLength(9);
    const calendar = (await first.http.get('/api/sessions?issuer=IT-PLR').expect(200)).body as Array<{ number: number; date: string }>;
    expect(calendar).toHaveLength(1);
  });
});
