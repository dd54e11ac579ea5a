import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { AppConfig } from '../../config/configuration';
import { civilDate } from '../../machines/body.events';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../common/common.module';
import { ValidationError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database } from '../database/database';
import { DeadlinesService } from '../deadlines/deadlines.service';
import type { Actor } from '../event-log/event-hash';
import { SessionsStore, type SessionRecord } from '../deadlines/sessions.store';
import { unknownIssuer } from '../decisions/decision-number';

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
 * the calendar knows it.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly db: Database,
    private readonly store: SessionsStore,
    private readonly deadlines: DeadlinesService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record(input: unknown, actor: Actor): Promise<{ session: SessionRecord; previousDate: string | null; created: boolean }> {
    const s = parseInput(sessionInputSchema, input);
    this.assertIssuer(s.issuer, 'issuer');
    const session: SessionRecord = { ...s, recordedAt: this.clock.now().toISOString(), recordedBy: actor.id };
    const previous = await this.db.transaction(async (tx) => {
      const before = await this.store.put(tx, session);
      if (before?.date !== session.date) await this.deadlines.rederiveAll(tx);
      return before;
    });
    const unchanged = previous !== null && previous.date === session.date;
    return { session: unchanged ? previous : session, previousDate: previous?.date ?? null, created: previous === null };
  }

  /** The sessions, of one issuer if given: one nobody configured is a 400, as in the decision register, not an empty calendar. */
  list(issuer?: string): Promise<SessionRecord[]> {
    if (issuer !== undefined) this.assertIssuer(issuer, 'query.issuer');
    return this.store.list(issuer);
  }

  private assertIssuer(issuer: string, path: string): void {
    if (!this.config.issuers.some((i) => i.id === issuer)) throw ValidationError.at(path, unknownIssuer(issuer, this.config.issuers));
  }
}
