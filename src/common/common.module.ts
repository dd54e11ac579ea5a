import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { ENVIRONMENT } from '../../config/environment';
import { Database } from '../database/database';
import type { InstanceRegistration } from '../database/instance-registry';
import { Clock } from './clock';

export const APP_CONFIG = 'APP_CONFIG';
export { ENVIRONMENT };

/** What an application is started with besides its configuration. */
export interface AppRuntime {
  /** Where modules read their own settings (the signing key, reminders); default the process's environment. */
  env?: NodeJS.ProcessEnv;
  /** The place among the instances of a PostgreSQL database that the starter entered (src/database/instance-registry.ts). */
  registration?: InstanceRegistration | null;
}

/** What every module needs: the validated configuration, the environment, the clock and the database. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(config: AppConfig, runtime: AppRuntime = {}): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ENVIRONMENT, useValue: runtime.env ?? process.env },
        Clock,
        { provide: Database, useFactory: async () => (await Database.open(config.database)).servesAs(runtime.registration ?? null) },
      ],
      exports: [APP_CONFIG, ENVIRONMENT, Clock, Database],
    };
  }
}
