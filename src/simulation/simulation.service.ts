import { ScheduleModule } from '@nestjs/schedule';
import { Global, Inject, Injectable, Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import type { AppConfig } from '../../config/configuration';
import { civilDate } from '../../machines/body.events';
import { berlinDate, startOfBerlinDay, type CivilDate } from '../../machines/dates';
import { addDays, daysBetween } from '../../machines/deadlines';
import { AccessDenied } from '../auth/access-denied';
import { Clock } from '../common/clock';
import { APP_CONFIG, CommonModule, ENVIRONMENT } from '../common/common.module';
import { DomainError, ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database, type ReadView, type SqlValue } from '../database/database';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { SIMULATION_MODE } from '../../config/reminders-config';
import { SchedulerService, type SweepEntry } from '../deadlines/scheduler.service';
import type { Actor } from '../event-log/event-hash';
import type { EventRow } from '../event-log/event-store';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { LifecycleService, SCHEDULER_ACTOR } from '../lifecycle/lifecycle.service';

export const simulationInputSchema = z
  .strictObject({ from: civilDate, to: civilDate })
  .refine((s) => s.from <= s.to, { message: 'Das Ende (to) liegt vor dem Beginn (from).', path: ['to'] })
  .refine((s) => daysBetween(s.from, s.to) <= 366 * 3, { message: 'Höchstens drei Jahre auf einmal.', path: ['to'] });

export interface SimulationEntry {
  /** The Berlin day it happened on, and the instant. */
  date: CivilDate;
  at: string;
  kind: 'event' | 'reminder' | 'recorded';
  bodyId: string;
  bodyTitle: string;
  /** The event type, or the reminder's subject line. */
  what: string;
  /**
   * `sent`: a reminder the scheduler had written already today, before the simulation, and one of
   * whose messages went out; `queued`: one it had written today whose messages still wait in the
   * outbox (not delivered yet, or no channel configured); `logged`: a system event it had appended
   * already today. Listed, none counted as the simulation's.
   */
  outcome: SweepEntry['outcome'] | 'recorded' | 'sent' | 'queued' | 'logged';
  detail?: string;
}

export interface SimulationResult {
  from: CivilDate;
  to: CivilDate;
  /**
   * Every system event and reminder of the period, in order; `recorded` are the events people
   * recorded, `sent` the reminders sent today already, `queued` those written today that still wait
   * in the outbox, `logged` the system events appended today already.
   */
  entries: SimulationEntry[];
  summary: { systemEvents: number; reminders: number; recordedEvents: number; refused: number };
  /**
   * Events recorded before the period whose replay the copy refused (one recorded under an
   * earlier version of the chart, say): from each on, its body in the simulation differs from
   * the body as recorded, and so may what the period shows of it.
   */
  refusedBefore: SimulationEntry[];
}

/** What the replay of past days gives: the period's entries, and the refusals before it. */
interface Reconstruction {
  entries: SimulationEntry[];
  refusedBefore: SimulationEntry[];
}

/** Tables copied into the replay of past days as they are: what the events refer to. */
const REFERENCE_TABLES = ['decisions', 'contacts', 'sessions'];

/**
 * Tables copied into the simulation from today on as they are: the store as the write path,
 * the deadlines and the scheduler read it (parents before the rows that refer to them).
 */
const STORE_TABLES = [
  'contacts',
  'decisions',
  'decision_events',
  'sessions',
  'bodies',
  'events',
  'body_obligations',
  'body_contacts',
  'body_links',
  'deadlines',
  'timers',
  'outbox',
  'backfill_holds',
];

type StoredEvent = Pick<EventRow, 'body_id' | 'version' | 'type' | 'data' | 'actor_id' | 'actor_role' | 'occurred_at'> & { decision_number: string | null };

@Global()
@Module({})
class SimulationRootModule {
  static forRoot(config: AppConfig, env: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: SimulationRootModule,
      imports: [CommonModule.forRoot(config, { env }), ScheduleModule.forRoot(), LifecycleModule, DeadlinesModule],
      providers: [{ provide: SIMULATION_MODE, useValue: true }],
      exports: [SIMULATION_MODE],
    };
  }
}

/**
 * "What will the scheduler do between these two days?" Runs on copies, never on the real store.
 *
 * From today on the simulation starts from the state as recorded: a fresh in-memory database
 * gets the real store's bodies, events, Fristen, timers and outbox, decisions, contacts and
 * sessions as they stand, and the scheduler sweeps now and at the start of every later day.
 * What is recorded today already (events people recorded, system events, reminders sent) is
 * listed from the log as it stands; nothing recorded is decided again.
 *
 * Days before today have no such state to copy: for them the events people recorded before
 * today are replayed through a second copy's write path on their business dates, while the
 * scheduler sweeps at the start of every day, so that the answer says what the scheduler did or
 * would have done then. What either appends and writes in the period is the answer. Nothing is
 * delivered.
 */
@Injectable()
export class SimulationService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ENVIRONMENT) private readonly env: NodeJS.ProcessEnv,
  ) {}

  async simulate(input: unknown): Promise<SimulationResult> {
    const { from, to } = parseInput(simulationInputSchema, input);
    const now = this.clock.now().toISOString();
    const today = berlinDate(now);
    const entries: SimulationEntry[] = [];
    const refusedBefore: SimulationEntry[] = [];
    if (from < today) {
      const past = await this.reconstruct(from, to < today ? to : addDays(today, -1));
      entries.push(...past.entries);
      refusedBefore.push(...past.refusedBefore);
    }
    if (to >= today) entries.push(...(await this.forecast(from > today ? from : today, to, now)));
    entries.sort((a, b) => a.at.localeCompare(b.at));
    return {
      from,
      to,
      entries,
      summary: {
        systemEvents: entries.filter((e) => e.kind === 'event' && e.outcome === 'appended').length,
        reminders: entries.filter((e) => e.kind === 'reminder' && e.outcome === 'written').length,
        recordedEvents: entries.filter((e) => e.kind === 'recorded' && e.outcome === 'recorded').length,
        refused: entries.filter((e) => e.outcome === 'refused').length,
      },
      refusedBefore,
    };
  }

  /** A fresh in-memory copy of the service: its own database, write path and scheduler. */
  private async withCopy<T>(work: (copy: INestApplicationContext) => Promise<T>): Promise<T> {
    const copy = await NestFactory.createApplicationContext(
      SimulationRootModule.forRoot({ ...this.config, seedExample: false, database: { kind: 'sqlite', file: ':memory:', synchronous: 'NORMAL' } }, this.env),
      { logger: false, abortOnError: false },
    );
    try {
      return await work(copy);
    } finally {
      await copy.close();
    }
  }

  /**
   * Today (or a later `first` day) up to `to`: the copy holds the store as recorded now. Today's
   * part of the log is listed as it stands; then the scheduler sweeps now (what fell due and was
   * not fired yet goes now) and at the start of each later day.
   */
  private async forecast(first: CivilDate, to: CivilDate, now: string): Promise<SimulationEntry[]> {
    return this.withCopy(async (copy) => {
      const simDb = copy.get(Database);
      const start = startOfBerlinDay(first);
      const logged = await this.db.read(async (view) => {
        await copyTables(view, simDb, STORE_TABLES);
        return start <= now ? loggedSince(view, start) : [];
      });
      const titles = await titlesOf(simDb);
      const entries: SimulationEntry[] = logged.map((e) => ({ ...e, bodyTitle: titles.get(e.bodyId) ?? '' }));
      const clock = copy.get(Clock);
      const scheduler = copy.get(SchedulerService);
      // Reminders an event of today made due at once (a Frist set or moved later than their day) go out with the sweep now.
      const lateToday = new Set(start <= now ? await remindersLateFrom(simDb, start) : []);
      const sweeps = [...(start <= now ? [now] : []), ...days(first, to).map((day) => startOfBerlinDay(day)).filter((at) => at > now)];
      for (const at of sweeps) {
        clock.set(at);
        const done = await scheduler.sweep();
        const known = done.length ? await titlesOf(simDb) : titles;
        for (const e of done) {
          // Any other is dated when it fell due: one due before `first` (the scheduler was behind) is not of the period.
          const when = e.kind === 'reminder' && lateToday.has(e.key) ? at : e.dueAt;
          if (e.outcome === 'skipped' || berlinDate(when) < first || berlinDate(when) > to) continue;
          entries.push({ date: berlinDate(when), at: when, kind: e.kind, bodyId: e.bodyId, bodyTitle: known.get(e.bodyId) ?? '', what: e.what, outcome: e.outcome, detail: e.detail });
        }
      }
      return entries;
    });
  }

  /**
   * The days `from` to `last`, all before today: the events people recorded before the day after
   * `last` are replayed on a copy with the reference tables, the scheduler sweeping at the start
   * of each day of the period.
   */
  private async reconstruct(from: CivilDate, last: CivilDate): Promise<Reconstruction> {
    const end = startOfBerlinDay(addDays(last, 1));
    // Every registration: an event of the period may name a body registered only after it. A
    // machine upgrade is left out: the copy registers every body under the newest chart.
    const stored = await this.db.query<StoredEvent>(
      `SELECT body_id, version, type, data, actor_id, actor_role, occurred_at, decision_number FROM events
       WHERE actor_id <> ? AND type <> 'machineUpgraded' AND (occurred_at < ? OR type = 'registered') ORDER BY occurred_at, body_id, version`,
      [SCHEDULER_ACTOR.id, end],
    );
    const recorded = inReplayOrder(stored, end);
    return this.withCopy(async (copy) => {
      const simDb = copy.get(Database);
      await this.db.read((view) => copyTables(view, simDb, REFERENCE_TABLES));
      // The events cite their decisions as they stood when they were recorded: one withdrawn since could be cited then.
      await simDb.transaction((tx) => tx.query('UPDATE decisions SET withdrawn_at = NULL, withdrawn_by = NULL, withdrawal_reason = NULL WHERE withdrawn_at IS NOT NULL'));
      return this.run(copy.get(LifecycleService), copy.get(SchedulerService), copy.get(Clock), simDb, recorded, from, last);
    });
  }

  private async run(
    lifecycle: LifecycleService,
    scheduler: SchedulerService,
    clock: Clock,
    simDb: Database,
    recorded: Array<{ at: string; event: StoredEvent }>,
    from: CivilDate,
    to: CivilDate,
  ): Promise<Reconstruction> {
    const ids = new Map<string, string>(); // real body id → simulated body id
    const entries: SimulationEntry[] = [];
    const refusedBefore: SimulationEntry[] = [];
    const inPeriod = (at: string) => berlinDate(at) >= from && berlinDate(at) <= to;
    const titles = () => titlesOf(simDb);
    const realId = (simId: string) => [...ids].find(([, sim]) => sim === simId)?.[0] ?? simId;

    /**
     * The sweep the scheduler runs at `at`. Right after a recorded event (`afterEvent`) it writes
     * the reminders that event made due at once (a Frist set or moved later than its reminder's
     * day): they go out then, not on a day their Frist did not exist yet. Every other reminder
     * goes out on its own day, when the daily sweep finds it.
     */
    const sweepAt = async (at: string, afterEvent = false) => {
      clock.set(at);
      const done = await scheduler.sweep();
      const known = done.length ? await titles() : new Map<string, string>();
      for (const e of done) {
        const when = afterEvent && e.kind === 'reminder' ? at : e.dueAt;
        if (!inPeriod(when) || e.outcome === 'skipped') continue;
        entries.push({
          date: berlinDate(when),
          at: when,
          kind: e.kind,
          bodyId: realId(e.bodyId),
          bodyTitle: known.get(e.bodyId) ?? '',
          what: e.what,
          outcome: e.outcome,
          detail: e.detail,
        });
      }
    };

    // At one instant the recorded events come before the day's sweep: a timer due at the very
    // instant of a command yields to it, as on the write path ("started on 17.06." by hand is the
    // same fact as the timer of that day). Only what fell due strictly before an event fires
    // before it; what is due at its instant fires after the last event recorded at that instant,
    // if it still applies then.
    const checkpoints: Array<{ at: string; event?: StoredEvent }> = [
      ...recorded,
      ...days(from, to).map((day) => ({ at: startOfBerlinDay(day), event: undefined })),
    ].sort((a, b) => a.at.localeCompare(b.at) || (a.event ? 0 : 1) - (b.event ? 0 : 1));

    for (const [i, { at, event }] of checkpoints.entries()) {
      if (!event) {
        await sweepAt(at);
        continue;
      }
      // Once per instant: a reminder an earlier event of this instant made due at once goes out after the last, dated then.
      const previous = checkpoints[i - 1];
      if (!(previous?.event && previous.at === at)) await sweepAt(justBefore(at));
      clock.set(at);
      const outcome = await this.replay(lifecycle, simDb, ids, event, at);
      // Listed in the period; before it only where refused, apart: the period then starts from another state than the recorded one.
      const listed = inPeriod(at) ? entries : outcome !== null && berlinDate(at) < from ? refusedBefore : null;
      if (listed) {
        const known = await titles();
        const simId = ids.get(event.body_id);
        listed.push({
          date: berlinDate(at),
          at,
          kind: 'recorded',
          bodyId: event.body_id,
          bodyTitle: (simId && known.get(simId)) || '',
          what: event.type,
          outcome: outcome === null ? 'recorded' : 'refused',
          ...(outcome === null ? {} : { detail: outcome }),
        });
      }
      const next = checkpoints[i + 1];
      if (!(next?.event && next.at === at)) await sweepAt(at, true);
    }

    return { entries, refusedBefore };
  }

  /**
   * Replays one recorded event through the copy's write path at `at`; returns why it was
   * refused, or null. The bodies it names (a successor, predecessors) are named by their ids
   * in the copy.
   */
  private async replay(lifecycle: LifecycleService, simDb: Database, ids: Map<string, string>, event: StoredEvent, at: string): Promise<string | null> {
    const actor: Actor = { id: event.actor_id, role: event.actor_role };
    const data = JSON.parse(event.data.replace(UUID, (id) => ids.get(id.toLowerCase()) ?? id)) as Record<string, unknown>;
    try {
      if (event.type === 'registered') {
        const result = await lifecycle.register({ ...data, registeredAt: at }, actor);
        ids.set(event.body_id, result.bodyId);
        // The copied decisions name their effects on the real body: in the copy it has another id.
        await simDb.transaction((tx) => tx.query('UPDATE decisions SET effects = replace(effects, ?, ?)', [event.body_id, result.bodyId]));
        return null;
      }
      const bodyId = ids.get(event.body_id);
      if (!bodyId) return 'Gremium in der Simulation nicht registriert.';
      // What a lead sent is dated when it arrived, never by the lead: the copy's clock stands at that instant.
      const occurredAt = actor.role === 'lead' ? undefined : event.occurred_at;
      await lifecycle.execute({ bodyId, type: event.type, data, occurredAt, decision: event.decision_number ?? undefined }, actor);
      return null;
    } catch (error) {
      if (error instanceof DomainError) return error.message;
      // An event its actor's role may no longer send (recorded under earlier rules) is refused like any other, not the simulation.
      if (error instanceof AccessDenied) return error.publicMessage ?? 'Die Rolle, die das Ereignis erfasst hat, darf es nicht senden.';
      throw error;
    }
  }

}

/** Copies the tables' rows as they are, from the real store's read view into the copy, in one transaction. */
async function copyTables(source: ReadView, target: Database, tables: readonly string[]): Promise<void> {
  await target.transaction(async (tx) => {
    for (const table of tables) {
      const rows = await source.query<Record<string, SqlValue>>(`SELECT * FROM ${table}`);
      for (const row of rows) {
        const columns = Object.keys(row);
        // A row the copy's migrations wrote already (a counter) is replaced by the stored one.
        await tx.query(
          `INSERT OR REPLACE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          columns.map((c) => row[c]),
        );
      }
    }
  });
}

async function titlesOf(db: Database): Promise<Map<string, string>> {
  return new Map((await db.query<{ id: string; title: string }>('SELECT id, title FROM bodies')).map((r) => [r.id, r.title]));
}

/** The pending reminders due before the event they were derived at, an event from `start` on. */
async function remindersLateFrom(db: Database, start: string): Promise<string[]> {
  const rows = await db.query<{ key: string }>(
    `SELECT t.key FROM timers t JOIN events e ON e.body_id = t.body_id AND e.version = t.derived_version
     WHERE t.kind = 'reminder' AND t.status = 'pending' AND t.due_at < e.occurred_at AND e.occurred_at >= ?`,
    [start],
  );
  return rows.map((r) => r.key);
}

/**
 * What the log holds from `start` on (today's part of it): the events people recorded, the
 * system events and the reminders written, each at its instant (a reminder's subject from its
 * e-mail). A reminder written is `sent` once one of its messages went out, `queued` while they
 * wait in the outbox, not `written`; a system event is `logged`, not `appended`: the simulation
 * did neither, and the summary does not count them.
 */
async function loggedSince(view: ReadView, start: string): Promise<Array<Omit<SimulationEntry, 'bodyTitle'>>> {
  const events = await view.query<{ body_id: string; type: string; actor_id: string; occurred_at: string }>(
    'SELECT body_id, type, actor_id, occurred_at FROM events WHERE occurred_at >= ? ORDER BY occurred_at, body_id, version',
    [start],
  );
  // A fired reminder timer is a reminder written to the outbox: it went out once one of its messages (e-mail, webhooks) is sent.
  const reminders = await view.query<{ body_id: string; ref: string; fired_at: string; subject: string | null; delivered: number | boolean }>(
    `SELECT t.body_id, t.ref, t.fired_at, o.subject, EXISTS (
       SELECT 1 FROM outbox s WHERE s.body_id = t.body_id AND s.status = 'sent' AND (s.dedupe_key = t.key || '/email' OR substr(s.dedupe_key, 1, length(t.key) + 9) = t.key || '/webhook/')
     ) AS delivered
     FROM timers t LEFT JOIN outbox o ON o.dedupe_key = t.key || '/email'
     WHERE t.kind = 'reminder' AND t.status = 'sent' AND t.fired_at >= ? ORDER BY t.fired_at, t.key`,
    [start],
  );
  return [
    ...events.map((e) => {
      const system = e.actor_id === SCHEDULER_ACTOR.id;
      return { date: berlinDate(e.occurred_at), at: e.occurred_at, kind: system ? 'event' : 'recorded', bodyId: e.body_id, what: e.type, outcome: system ? 'logged' : 'recorded' } as const;
    }),
    ...reminders.map(
      (r) => ({ date: berlinDate(r.fired_at), at: r.fired_at, kind: 'reminder', bodyId: r.body_id, what: r.subject ?? r.ref, outcome: r.delivered === true || Number(r.delivered) === 1 ? 'sent' : 'queued' }) as const,
    ),
  ];
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * The recorded events before `end` in the order they are replayed, each with its instant. The
 * write path checks that a body an event names (a successor, a predecessor) is registered when
 * the event is recorded, not as of its date: a transfer dated 15.09. may name a body registered
 * on 20.09. Such a registration is replayed just before the first event that names it, at that
 * event's instant; registrations from `end` on that nothing names are left out.
 */
function inReplayOrder(events: readonly StoredEvent[], end: string): Array<{ at: string; event: StoredEvent }> {
  const registrations = new Map(events.filter((e) => e.type === 'registered').map((e) => [e.body_id, e]));
  const replayed = new Set<string>();
  const order: Array<{ at: string; event: StoredEvent }> = [];
  const add = (event: StoredEvent, at: string) => {
    if (event.type === 'registered') {
      if (replayed.has(event.body_id)) return;
      replayed.add(event.body_id);
    }
    for (const named of new Set(event.data.toLowerCase().match(UUID) ?? [])) {
      const registration = registrations.get(named);
      if (registration && named !== event.body_id) add(registration, at);
    }
    order.push({ at, event });
  };
  for (const event of events) if (event.occurred_at < end) add(event, event.occurred_at);
  return order;
}

/** The last instant before `at`: the sweep then fires what fell due strictly before it (instants are to the millisecond). */
function justBefore(at: string): string {
  return new Date(Date.parse(at) - 1).toISOString();
}

function days(from: CivilDate, to: CivilDate): CivilDate[] {
  if (from > to) throw ValidationError.at('to', 'Das Ende (to) liegt vor dem Beginn (from).');
  const all: CivilDate[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) all.push(day);
  return all;
}
