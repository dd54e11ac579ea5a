import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { Database } from '../database/database';
import { Clock } from './clock';

export const APP_CONFIG = 'APP_CONFIG';

/** What every module needs: the validated configuration, the clock and the database. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        Clock,
        { provide: Database, useFactory: () => Database.open(config.database) },
      ],
      exports: [APP_CONFIG, Clock, Database],
    };
  }
}
