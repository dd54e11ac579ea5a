import { readFileSync } from 'node:fs';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { EXAMPLE_SEED_ACTOR } from '../auth/actor';
import { APP_CONFIG } from '../common/common.module';
import { projectFile } from '../common/project-file';
import { Database } from '../database/database';
import { SchedulerService } from '../deadlines/scheduler.service';
import { RegistrationImportService, type ImportOptions } from '../registration-import/registration-import.service';

export const EXAMPLE_FORM = 'examples/registrierung-weiterentwicklung-struktur-ozg-foederal.txt';

/**
 * How the example body's history is recorded. The form names the decision (AL-Runde,
 * Beschluss 2024/09) and the approved-until date (31.03.2025) but not the decision's date or
 * procedure, nor when the form came in: those three are assumptions of the example.
 */
export const EXAMPLE_IMPORT: ImportOptions = {
  applyDecision: true,
  registeredAt: '2024-06-03',
  decisionDate: '2024-06-12',
  procedure: 'Umlaufverfahren',
};

/**
 * On an empty database, imports the real registration form in examples/ with its decision, so a
 * new user sees a real body: approved until 31.03.2025, started 17.06.2024, and from then on
 * moved by the scheduler like any other (report due in November 2024, term expired since).
 */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SeedService.name);

  constructor(
    private readonly db: Database,
    private readonly importer: RegistrationImportService,
    private readonly scheduler: SchedulerService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedExample) return;
    // Instances starting together on an empty PostgreSQL database import it once: the others
    // wait for the lock and then find events.
    const imported = await this.db.exclusively('seed', async () => {
      // One row is enough to know: counting a large log took a tenth of a second of every start.
      if ((await this.db.query('SELECT 1 FROM events LIMIT 1')).length > 0) return false;
      const result = await this.importer.import(readFileSync(projectFile(EXAMPLE_FORM), 'utf8'), EXAMPLE_IMPORT, EXAMPLE_SEED_ACTOR);
      this.logger.log(`Beispielgremium „${result.title}“ aus ${EXAMPLE_FORM} angelegt (${result.id}).`);
      return true;
    });
    // Its start, report and term fell due long ago: brought up to today before the first page shows it.
    if (imported) await this.scheduler.sweepAfterwards();
  }
}
