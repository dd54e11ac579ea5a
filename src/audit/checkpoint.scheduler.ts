import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { ConcurrencyConflict } from '../common/errors';
import type { AuditConfig } from './audit.config';
import { AuditService } from './audit.service';

export const AUDIT_CONFIG = 'AUDIT_CONFIG';
const INTERVAL_NAME = 'audit-checkpoint';

/**
 * Writes a checkpoint every configured interval when the log has grown since the last one. The
 * interval is registered with @nestjs/schedule's SchedulerRegistry when the application has
 * ScheduleModule (it lists and clears it with the others), and kept here otherwise.
 */
@Injectable()
export class CheckpointScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Checkpoints');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly audit: AuditService,
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    @Optional() private readonly registry?: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Before the periodic one (and also where it is off, as in the CLI's local commands).
    await this.continueReplacedKey();
    if (this.config.checkpointEveryMinutes <= 0) return;
    this.timer = setInterval(() => void this.tick(), this.config.checkpointEveryMinutes * 60_000);
    this.timer.unref();
    this.registry?.addInterval(INTERVAL_NAME, this.timer);
  }

  onApplicationShutdown(): void {
    if (this.registry?.doesExist('interval', INTERVAL_NAME)) this.registry.deleteInterval(INTERVAL_NAME);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * After a key declared lost was replaced, the checkpoint under the new key that continues the
   * lost key's, at once: verify is intact again without waiting for the next checkpoint. Where
   * the log does not pass the check, the start goes on and says why (verify names the problems).
   */
  private async continueReplacedKey(): Promise<void> {
    try {
      const checkpoint = await this.audit.continueReplacedKey();
      if (checkpoint) {
        this.logger.log(
          `Checkpoint ${checkpoint.payload.sequence} unter dem neuen Schlüssel (${checkpoint.payload.treeSize} Ereignisse): er setzt die Checkpoints des verlorenen Schlüssels fort; die Prüfung nennt sie als Hinweise.`,
        );
      }
    } catch (error) {
      // Another instance with the same new key wrote it first.
      if (error instanceof ConcurrencyConflict) return;
      this.logger.error(
        `Kein Checkpoint unter dem neuen Schlüssel: ${error instanceof Error ? error.message : String(error)} Bis einer die Checkpoints des verlorenen Schlüssels fortsetzt, nennt die Prüfung sie als Problem.`,
      );
    }
  }

  /** One periodic run; a refusal (tampered log) is logged loudly, never swallowed silently. */
  async tick(): Promise<void> {
    try {
      const checkpoint = await this.audit.createCheckpoint({ onlyIfGrown: true });
      if (checkpoint) this.logger.log(`Checkpoint ${checkpoint.payload.sequence}: ${checkpoint.payload.treeSize} Ereignisse, Wurzel ${checkpoint.payload.rootHash}`);
    } catch (error) {
      this.logger.error(`Periodischer Checkpoint fehlgeschlagen: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
