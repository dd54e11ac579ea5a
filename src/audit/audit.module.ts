import { Logger, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { APP_CONFIG } from '../common/common.module';
import { Database } from '../database/database';
import { loadAuditConfig, type AuditConfig } from './audit.config';
import { AuditController } from './audit.controller';
import { AuditService, SIGNING_KEY } from './audit.service';
import { AuditStore } from './audit.store';
import { AUDIT_CONFIG, CheckpointScheduler } from './checkpoint.scheduler';
import { loadSigningKey } from './signing-key';

// No ScheduleModule.forRoot() here: a second one would run a second explorer and registry.
// The application imports it once; CheckpointScheduler takes its global SchedulerRegistry.
@Module({
  controllers: [AuditController],
  providers: [
    { provide: AUDIT_CONFIG, useFactory: (app: AppConfig) => loadAuditConfig(app), inject: [APP_CONFIG] },
    {
      provide: SIGNING_KEY,
      // After the database (injected for that alone): a database that cannot be opened fails the
      // start before a new key file is written beside it.
      useFactory: (config: AuditConfig, _opened: Database) => {
        const key = loadSigningKey(config.signingKey, config.logOrigin);
        const where = 'file' in config.signingKey ? ` (${config.signingKey.file})` : '';
        const how = { configured: 'aus der Konfiguration', file: 'aus der Datei', generated: 'neu erzeugt', ephemeral: 'nur im Speicher (flüchtig)' }[key.origin];
        new Logger('Checkpoints').log(`Signaturschlüssel ${how}${where}; Schlüssel-ID ${key.keyId}; Log ${key.logOrigin}`);
        return key;
      },
      inject: [AUDIT_CONFIG, Database],
    },
    AuditStore,
    AuditService,
    CheckpointScheduler,
  ],
  exports: [AuditService, AuditStore],
})
export class AuditModule {}
