import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { BODY_MACHINE_ID } from '../../machines';
import { germanDateTime } from '../../machines/dates';
import { AUDIT_LOG_STREAM } from '../audit/audit-log';
import { machineVersion } from '../audit/machine-versions';
import { AuditStore } from '../audit/audit.store';
import { Clock } from '../common/clock';
import { DuplicateError, LifecycleRefusal, NotFoundError } from '../common/errors';
import { parseInput } from '../common/validation';
import { Database, type Transaction } from '../database/database';
import { SchedulerService } from '../deadlines/scheduler.service';
import type { Actor } from '../event-log/event-hash';
import { EventStore } from '../event-log/event-store';
import { backfillHold, type BackfillHold } from '../deadlines/backfill-hold';
import { recordedBefore, type RecordedBefore } from './recorded-before';

export const backfillInput = z.strictObject({
  reason: z.string().trim().min(3).max(1000).describe('Warum die Nacherfassung beginnt oder endet (wird im Audit-Protokoll festgehalten)'),
});

export interface BackfillAnswer {
  bodyId: string;
  /** The hold as it stands after the act: null once it ended. */
  backfill: BackfillHold | null;
  /** The audit-log entry that records the act. */
  auditLog: { stream: string; version: number; hash: string };
  /** On begin: what the deadline monitoring had already recorded and sent for the body (the hold came too late for it), or null. */
  recordedBefore?: RecordedBefore | null;
}

/**
 * Nacherfassung: while the secretariat enters a body's known past (an imported body's late
 * report, an extension decided months ago), the deadline monitoring of that body rests. The
 * scheduler then records no system events and writes no reminders for it; writes to the body
 * still fire its due timers up to their own `occurredAt`, as always. When the hold ends, the next
 * sweep catches the body up as after an outage, by the Fristen the entered history left.
 *
 * Begin and end are administrative acts, not lifecycle events: each is an entry of the audit log
 * (`backfillBegun`, `backfillEnded`), and `backfill_holds` keeps the held bodies for the sweep's
 * claim; verify checks the one against the other. The body's row is locked while the hold
 * changes, so a catch-up of the body either ran before it or sees it.
 */
@Injectable()
export class BackfillService {
  constructor(
    private readonly db: Database,
    private readonly events: EventStore,
    private readonly audit: AuditStore,
    private readonly scheduler: SchedulerService,
    private readonly clock: Clock,
  ) {}

  /** Begins the hold; inside a running transaction (an import's), as part of it. */
  async begin(bodyId: string, input: unknown, actor: Actor): Promise<BackfillAnswer> {
    const { reason } = parseInput(backfillInput, input);
    assertSecretariat(actor);
    return this.db.transaction(async (tx) => {
      await this.assertMonitored(tx, bodyId);
      const held = await backfillHold(tx, bodyId);
      if (held) {
        throw new DuplicateError(`Für Gremium ${bodyId} läuft bereits eine Nacherfassung (seit ${germanDateTime(held.since)} Uhr, begonnen von ${held.by}); sie kann nicht zweimal beginnen.`, {
          since: held.since,
        });
      }
      const now = this.clock.now().toISOString();
      const entry = await this.audit.recordAuditLog(tx, { type: 'backfillBegun', data: { bodyId, reason }, actor, occurredAt: now }, now);
      await tx.query('INSERT INTO backfill_holds (body_id, since, reason, actor_id, audit_log_version) VALUES (?, ?, ?, ?, ?)', [bodyId, now, reason, actor.id, entry.version]);
      return {
        bodyId,
        backfill: { since: now, reason, by: actor.id },
        auditLog: { stream: AUDIT_LOG_STREAM, version: entry.version, hash: entry.hash },
        // Allowed all the same, but said plainly: the hold holds only what is still to come.
        recordedBefore: await recordedBefore(tx, bodyId, now),
      };
    });
  }

  /** What the deadline monitoring had recorded and sent for the body by `until` (e.g. when its hold began), or null when nothing. */
  recordedBefore(bodyId: string, until: string): Promise<RecordedBefore | null> {
    return recordedBefore(this.db, bodyId, until);
  }

  /** Ends the hold; the scheduler (when it runs by itself) sweeps right after, so the body's due Fristen are recorded at once. */
  async end(bodyId: string, input: unknown, actor: Actor): Promise<BackfillAnswer> {
    const { reason } = parseInput(backfillInput, input);
    assertSecretariat(actor);
    const answer = await this.db.transaction(async (tx) => {
      if (!(await this.events.loadVersion(tx, bodyId))) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
      if (!(await backfillHold(tx, bodyId))) {
        throw new LifecycleRefusal(`Für Gremium ${bodyId} läuft keine Nacherfassung; es gibt keine zu beenden (die Fristenüberwachung läuft).`);
      }
      const now = this.clock.now().toISOString();
      const entry = await this.audit.recordAuditLog(tx, { type: 'backfillEnded', data: { bodyId, reason }, actor, occurredAt: now }, now);
      await tx.query('DELETE FROM backfill_holds WHERE body_id = ?', [bodyId]);
      return { bodyId, backfill: null, auditLog: { stream: AUDIT_LOG_STREAM, version: entry.version, hash: entry.hash } };
    });
    void this.scheduler.sweepAfterwards();
    return answer;
  }

  /** Locks the body's row and refuses a body that does not exist or has ended (a final state has no Fristen to monitor). */
  private async assertMonitored(tx: Transaction, bodyId: string): Promise<void> {
    const head = await this.events.loadVersion(tx, bodyId);
    const row = head ? await this.events.loadBody(tx, bodyId) : null;
    if (!head || !row) throw new NotFoundError(`Gremium ${bodyId} ist nicht registriert.`);
    const machine = machineVersion(BODY_MACHINE_ID, head.machineVersion);
    if (!machine) throw new Error(`Gremium ${bodyId} follows ${BODY_MACHINE_ID}@${head.machineVersion}, which this build does not know`);
    const snapshot = machine.restore(row.persisted);
    if (snapshot.status === 'done') {
      throw new LifecycleRefusal(
        `Gremium ${bodyId} ist beendet (Zustand „${machine.stateLabel(snapshot)}“): es hat keine Fristen mehr, deren Überwachung ruhen könnte; eine Nacherfassung ist nicht nötig.`,
        { state: machine.stateLabel(snapshot) },
      );
    }
  }
}

function assertSecretariat(actor: Actor): void {
  if (actor.role !== 'secretariat') throw new LifecycleRefusal('Eine Nacherfassung beginnt und beendet nur die Geschäftsstelle.');
}
