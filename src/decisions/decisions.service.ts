import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { civilDate, decisionTypeSchema, germanDate, berlinDate, type DecisionFacts } from '../../machines';
import { APP_CONFIG } from '../common/common.module';
import type { AppConfig } from '../../config/configuration';
import { Clock } from '../common/clock';
import { DuplicateError, LifecycleRefusal, NotFoundError, ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database, isUniqueViolation, type Transaction } from '../database/database';
import type { Actor } from '../event-log/event-hash';
import { EventStore } from '../event-log/event-store';
import { parseDecisionNumber } from './decision-number';

export const PROCEDURES = ['Sitzung', 'Umlaufverfahren'] as const;

export const decisionInputSchema = z
  .strictObject({
    number: z.string().trim().min(1).max(40),
    issuer: z.string().trim().min(1).max(60),
    date: civilDate,
    procedure: z.enum(PROCEDURES),
    session: z.number().int().positive().optional(),
    type: decisionTypeSchema,
    title: z.string().trim().min(1).max(1000),
  })
  .refine((d) => (d.procedure === 'Sitzung') === (d.session !== undefined), {
    message: 'Bei procedure „Sitzung“ die Nummer der Sitzung angeben (session), beim Umlaufverfahren keine.',
    path: ['session'],
  });
export type DecisionInput = z.input<typeof decisionInputSchema>;

export interface Decision {
  number: string;
  issuer: string;
  issuerName: string;
  date: string;
  procedure: (typeof PROCEDURES)[number];
  session: number | null;
  type: DecisionFacts['type'];
  title: string;
  recordedAt: string;
  recordedBy: string;
}

interface DecisionRow {
  number: string;
  issuer: string;
  decided_on: string;
  procedure_kind: string;
  session_number: number | null;
  type: string;
  title: string;
  recorded_at: string;
  recorded_by: string;
}

const COLUMNS = 'number, issuer, decided_on, procedure_kind, session_number, type, title, recorded_at, recorded_by';

/** The register of decisions (Beschlüsse) of the IT-PLR and the AL-Runde. */
@Injectable()
export class DecisionsService {
  constructor(
    private readonly db: Database,
    private readonly events: EventStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record(input: unknown, actor: Actor): Promise<Decision> {
    const d = parseInput(decisionInputSchema, input);
    const number = parseDecisionNumber(d.number, this.config.issuers, d.issuer);
    if (typeof number === 'string') throw ValidationError.at(number.startsWith('Unbekanntes') ? 'issuer' : 'number', number);
    const year = Number(d.date.slice(0, 4));
    if (number.year !== year) {
      throw ValidationError.at('number', `Das Jahr der Beschlussnummer (${number.year}) muss dem Jahr des Beschlussdatums (${year}) entsprechen.`);
    }
    const now = this.clock.now();
    if (d.date > berlinDate(now.toISOString())) {
      throw ValidationError.at('date', `Das Beschlussdatum ${germanDate(d.date)} liegt in der Zukunft.`);
    }
    const decision: Decision = {
      number: number.canonical,
      issuer: number.issuer.id,
      issuerName: number.issuer.name,
      date: d.date,
      procedure: d.procedure,
      session: d.session ?? null,
      type: d.type,
      title: d.title,
      recordedAt: now.toISOString(),
      recordedBy: actor.id,
    };
    try {
      await this.db.transaction((tx) =>
        tx.query(`INSERT INTO decisions (id, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
          randomUUID(),
          decision.number,
          decision.issuer,
          decision.date,
          decision.procedure,
          decision.session,
          decision.type,
          decision.title,
          decision.recordedAt,
          decision.recordedBy,
        ]),
      );
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DuplicateError(`Beschluss ${decision.number} (${decision.issuer}) ist bereits erfasst.`, {
          issuer: decision.issuer,
          number: decision.number,
        });
      }
      throw error;
    }
    return decision;
  }

  async list(filter: { issuer?: string; year?: number }): Promise<Decision[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.issuer) {
      where.push('issuer = ?');
      params.push(filter.issuer);
    }
    if (filter.year) {
      where.push('decided_on LIKE ?');
      params.push(`${filter.year}-%`);
    }
    const rows = await this.db.query<DecisionRow>(
      `SELECT ${COLUMNS} FROM decisions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY decided_on, number`,
      params,
    );
    return rows.map((row) => this.toDecision(row));
  }

  /** One decision with the events (bodies, transitions) that cite it. */
  async get(issuerId: string, rawNumber: string) {
    const number = parseDecisionNumber(rawNumber, this.config.issuers, issuerId);
    if (typeof number === 'string') throw new NotFoundError(`Beschluss ${rawNumber} (${issuerId}) ist nicht erfasst. ${number}`);
    const [row] = await this.db.query<DecisionRow>(`SELECT ${COLUMNS} FROM decisions WHERE issuer = ? AND number = ?`, [
      number.issuer.id,
      number.canonical,
    ]);
    if (!row) throw new NotFoundError(`Beschluss ${number.canonical} (${number.issuer.id}) ist nicht erfasst.`);
    const citedBy = (await this.events.citing(number.canonical)).map((e) => ({
      bodyId: e.bodyId,
      version: e.version,
      type: e.type,
      occurredAt: e.occurredAt,
    }));
    return { ...this.toDecision(row), citedBy };
  }

  /**
   * The facts of a recorded decision an event cites, read inside the command's transaction.
   * An unreadable number is bad input (400); a number nobody recorded is refused (422).
   */
  async resolve(tx: Transaction, rawNumber: string): Promise<DecisionFacts> {
    const number = parseDecisionNumber(rawNumber, this.config.issuers);
    if (typeof number === 'string') throw ValidationError.at('decision', number);
    const [row] = await tx.query<DecisionRow>(`SELECT ${COLUMNS} FROM decisions WHERE issuer = ? AND number = ?`, [
      number.issuer.id,
      number.canonical,
    ]);
    if (!row) {
      throw new LifecycleRefusal(
        `Beschluss ${number.canonical} (${number.issuer.name}) ist nicht erfasst; zuerst im Beschlussregister erfassen (POST /api/decisions, gremienlauf record-decision).`,
      );
    }
    return { number: row.number, issuer: row.issuer, date: row.decided_on, type: row.type as DecisionFacts['type'] };
  }

  private toDecision(row: DecisionRow): Decision {
    return {
      number: row.number,
      issuer: row.issuer,
      issuerName: this.config.issuers.find((i) => i.id === row.issuer)?.name ?? row.issuer,
      date: row.decided_on,
      procedure: row.procedure_kind as Decision['procedure'],
      session: row.session_number === null ? null : Number(row.session_number),
      type: row.type as Decision['type'],
      title: row.title,
      recordedAt: row.recorded_at,
      recordedBy: row.recorded_by,
    };
  }
}
