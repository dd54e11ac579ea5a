import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AppConfig } from '../../config/configuration';
import type { RemindersConfig } from '../../config/reminders';
import { REMINDERS_CONFIG } from '../../config/reminders-config';
import { civilDate } from '../../machines/body.events';
import { germanDate } from '../../machines/dates';
import { nonWorkingReason } from '../../machines/deadlines';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../common/common.module';
import { ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database, type Transaction } from '../database/database';
import { AuditStore } from '../audit/audit.store';
import { DeadlinesService } from '../deadlines/deadlines.service';
import type { Actor } from '../event-log/event-hash';
import { SessionsStore, type ListedSession, type SessionRecord } from '../deadlines/sessions.store';
import { unknownIssuer } from '../decisions/decision-number';
import { contradictedByDecisions, outOfOrder } from './session-order';

export const sessionInputSchema = z.strictObject({
  issuer: z.string().trim().min(1).max(60),
  number: z.number().int().positive(),
  date: civilDate,
});

/**
 * The secretariat's sessions calendar. A new or moved session changes which day "zur 45.
 * Sitzung" and "im November" mean, so every body's deadlines are derived again in the same
 * transaction: those that have not fallen due yet follow it (machines/deadlines.ts
 * `resolveDeadline`). The same day again changes nothing and is answered with the session as
 * the calendar knows it. Each new or moved day is an entry of the audit log (`sessionScheduled`,
 * `sessionMoved`), in the same transaction: the Fristen it moves can be traced, verified and
 * exported like every other change. A day out of order with the issuer's other sessions, or (when the session
 * is entered) other than the day of a decision recorded as taken in it, is refused (400 at `date`).
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: Database,
    private readonly store: SessionsStore,
    private readonly deadlines: DeadlinesService,
    private readonly audit: AuditStore,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REMINDERS_CONFIG) private readonly reminders: RemindersConfig,
  ) {}

  async record(input: unknown, actor: Actor): Promise<{ session: SessionRecord; previousDate: string | null; created: boolean; warnings: string[] }> {
    const s = parseInput(sessionInputSchema, input);
    this.assertIssuer(s.issuer, 'issuer');
    const session: SessionRecord = { ...s, recordedAt: this.clock.now().toISOString(), recordedBy: actor.id };
    // Run again after a deadlock: it locks every body (rederiveAll), in an order another writer's locks may cross.
    const previous = await this.db.transactionRetried(async (tx) => {
      // One writer of the issuer's calendar at a time: two new sessions entered at once would
      // each check its day against the calendar without the other (on PostgreSQL; SQLite has
      // one writer anyway).
      await this.store.lockCalendarOf(tx, s.issuer);
      // Written before it is checked, so that on PostgreSQL the moved row stays locked while the
      // register is read (a decision recorded meanwhile waits for it); a refusal rolls it back.
      const before = await this.store.put(tx, session);
      if (before?.date === session.date) return before;
      await this.assertFitsCalendar(tx, session, before !== null);
      await this.deadlines.rederiveAll(tx);
      await this.audit.recordAuditLog(
        tx,
        {
          type: before ? 'sessionMoved' : 'sessionScheduled',
          data: { issuer: session.issuer, number: session.number, date: session.date, previousDate: before?.date ?? null },
          actor,
          occurredAt: session.recordedAt,
        },
        session.recordedAt,
      );
      return before;
    });
    const unchanged = previous !== null && previous.date === session.date;
    return { session: unchanged ? previous : session, previousDate: previous?.date ?? null, created: previous === null, warnings: this.warningsFor(session.date) };
  }

  /**
   * What recording a session on `date` answers besides it: a day that is no working day is told,
   * not refused (a session on a Saturday is rare, not impossible; but a slip of the date is
   * likelier). The web page after the redirect tells it from the session's day with this too.
   */
  warningsFor(date: string): string[] {
    const notWorking = nonWorkingReason(date, this.reminders.calendar.land);
    return notWorking ? [`Der ${germanDate(date)} ist kein Arbeitstag (${notWorking}); bitte prüfen, ob die Sitzung an diesem Tag stattfindet.`] : [];
  }

  /** The sessions, of one issuer if given: one nobody configured is a 400, as in the decision register, not an empty calendar. */
  list(issuer?: string): Promise<ListedSession[]> {
    if (issuer !== undefined) this.assertIssuer(issuer, 'query.issuer');
    return this.store.list(issuer);
  }

  /**
   * A session's day fits the issuer's other sessions (numbered in the order of their days) and,
   * when it is entered, the decisions recorded as taken in it (dated on its day). Both refusals
   * at `date`, together. Moving a session checks the order alone: a day recorded wrongly in the
   * calendar and in the register alike can always be corrected in the calendar first (a decision
   * already cited keeps its date).
   */
  private async assertFitsCalendar(tx: Transaction, session: SessionRecord, moved: boolean): Promise<void> {
    const problems = [
      outOfOrder(session, session.issuer, await this.store.othersOf(tx, session.issuer, session.number)),
      moved ? null : contradictedByDecisions(session, session.issuer, await this.store.decisionsOnOtherDays(tx, session.issuer, session.number, session.date)),
    ].filter((message): message is string => message !== null);
    if (problems.length > 0) throw new ValidationError(problems.map((message) => ({ path: 'date', message })));
  }

  private assertIssuer(issuer: string, path: string): void {
    if (!this.config.issuers.some((i) => i.id === issuer)) throw ValidationError.at(path, unknownIssuer(issuer, this.config.issuers));
  }
}
