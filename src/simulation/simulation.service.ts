import { ScheduleModule } from '@nestjs/schedule';
import { Global, Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import type { AppConfig } from '../../config/configuration';
import { civilDate } from '../../machines/body.events';
import { berlinDate, startOfBerlinDay, type CivilDate } from '../../machines/dates';
import { addDays, daysBetween } from '../../machines/deadlines';
import { Clock } from '../common/clock';
import { APP_CONFIG, CommonModule } from '../common/common.module';
import { DomainError, ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database, type SqlValue } from '../database/database';
import { DeadlinesModule } from '../deadlines/deadlines.module';
import { SIMULATION_MODE } from '../../config/reminders-config';
import { SchedulerService, type SweepEntry } from '../deadlines/scheduler.service';
import type { Actor } from '../event-log/event-hash';
import type { EventRow } from '../event-log/event-store';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { LifecycleService } from '../lifecycle/lifecycle.service';

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
  outcome: SweepEntry['outcome'] | 'recorded';
  detail?: string;
}

export interface SimulationResult {
  from: CivilDate;
  to: CivilDate;
  /** Every system event and reminder of the period, in order; `recorded` are the events people recorded. */
  entries: SimulationEntry[];
  summary: { systemEvents: number; reminders: number; recordedEvents: number; refused: number };
}

/** Tables copied into the simulation as they are: what the events refer to. */
const REFERENCE_TABLES = ['decisions', 'contacts', 'sessions'];

type StoredEvent = Pick<EventRow, 'body_id' | 'version' | 'type' | 'data' | 'actor_id' | 'actor_role' | 'occurred_at'> & { decision_number: string | null };

@Global()
@Module({})
class SimulationRootModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SimulationRootModule,
      imports: [CommonModule.forRoot(config), ScheduleModule.forRoot(), LifecycleModule, DeadlinesModule],
      providers: [{ provide: SIMULATION_MODE, useValue: true }],
      exports: [SIMULATION_MODE],
    };
  }
}

/**
 * "What will the scheduler do between these two days?" Runs on a copy, never on the real
 * store: a fresh in-memory database gets the decisions, contacts and sessions, and the events
 * people recorded are replayed through the write path on their business dates, while the
 * scheduler sweeps at the start of every day. What it appends and writes in the period is the
 * answer. Nothing is delivered.
 */
@Injectable()
export class SimulationService {
  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async simulate(input: unknown): Promise<SimulationResult> {
    const { from, to } = parseInput(simulationInputSchema, input);
    const end = startOfBerlinDay(addDays(to, 1));
    // Every registration: an event of the period may name a body registered only after it.
    const stored = await this.db.query<StoredEvent>(
      `SELECT body_id, version, type, data, actor_id, actor_role, occurred_at, decision_number FROM events
       WHERE actor_id <> 'system:scheduler' AND (occurred_at < ? OR type = 'registered') ORDER BY occurred_at, body_id, version`,
      [end],
    );
    const recorded = inReplayOrder(stored, end);
    const copy = await NestFactory.createApplicationContext(
      SimulationRootModule.forRoot({ ...this.config, seedExample: false, database: { kind: 'sqlite', file: ':memory:', synchronous: 'NORMAL' } }),
      { logger: false, abortOnError: false },
    );
    try {
      await this.copyReferenceTables(copy.get(Database));
      return await this.run(copy.get(LifecycleService), copy.get(SchedulerService), copy.get(Clock), copy.get(Database), recorded, from, to);
    } finally {
      await copy.close();
    }
  }

  private async run(
    lifecycle: LifecycleService,
    scheduler: SchedulerService,
    clock: Clock,
    simDb: Database,
    recorded: Array<{ at: string; event: StoredEvent }>,
    from: CivilDate,
    to: CivilDate,
  ): Promise<SimulationResult> {
    const ids = new Map<string, string>(); // real body id → simulated body id
    const entries: SimulationEntry[] = [];
    const inPeriod = (at: string) => berlinDate(at) >= from && berlinDate(at) <= to;
    const titles = async () =>
      new Map((await simDb.query<{ id: string; title: string }>('SELECT id, title FROM bodies')).map((r) => [r.id, r.title]));
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

    const checkpoints: Array<{ at: string; event?: StoredEvent }> = [
      ...recorded,
      ...days(from, to).map((day) => ({ at: startOfBerlinDay(day), event: undefined })),
    ].sort((a, b) => a.at.localeCompare(b.at) || (a.event ? 1 : 0) - (b.event ? 1 : 0));

    for (const { at, event } of checkpoints) {
      await sweepAt(at);
      if (!event) continue;
      const outcome = await this.replay(lifecycle, simDb, ids, event, at);
      if (inPeriod(at)) {
        const known = await titles();
        const simId = ids.get(event.body_id);
        entries.push({
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
      await sweepAt(at, true);
    }

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
    };
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
      await lifecycle.execute(
        { bodyId, type: event.type, data, occurredAt: event.occurred_at, decision: event.decision_number ?? undefined },
        actor,
      );
      return null;
    } catch (error) {
      if (error instanceof DomainError) return error.message;
      throw error;
    }
  }

  private async copyReferenceTables(target: Database): Promise<void> {
    await target.transaction(async (tx) => {
      for (const table of REFERENCE_TABLES) {
        const rows = await this.db.query<Record<string, SqlValue>>(`SELECT * FROM ${table}`);
        for (const row of rows) {
          const columns = Object.keys(row);
          await tx.query(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
            columns.map((c) => row[c]),
          );
        }
      }
    });
  }
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

function days(from: CivilDate, to: CivilDate): CivilDate[] {
  if (from > to) throw ValidationError.at('to', 'Das Ende (to) liegt vor dem Beginn (from).');
  const all: CivilDate[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) all.push(day);
  return all;
}
