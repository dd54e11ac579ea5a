import { Inject, Injectable, Logger, Optional, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
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

  onApplicationBootstrap(): void {
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
