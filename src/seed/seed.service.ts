import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { SECRETARIAT } from '../common/actor';
import { APP_CONFIG } from '../common/common.module';
import { Database } from '../database/database';
import { LifecycleService } from '../lifecycle/lifecycle.service';
import { EXAMPLE_REGISTRATION } from './example-registration';

/** On an empty database, registers the example body so a new user sees something real. */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    private readonly db: Database,
    private readonly lifecycle: LifecycleService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedExample) return;
    const [{ count }] = await this.db.query<{ count: number | string }>('SELECT COUNT(*) AS count FROM events');
    if (Number(count) > 0) return;
    const result = await this.lifecycle.register(EXAMPLE_REGISTRATION, SECRETARIAT);
    this.logger.log(`Beispielgremium „${EXAMPLE_REGISTRATION.title}“ registriert (${result.bodyId}).`);
  }
}
