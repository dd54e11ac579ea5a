import { Logger, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { APP_CONFIG } from '../common/common.module';
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
      // After the database (through the store): a database that cannot be opened fails the start
      // before a new key file is written beside it, and a missing key file is created anew only
      // on a log without checkpoints, or where the operator declared their key lost.
      useFactory: async (config: AuditConfig, store: AuditStore) => {
        const stored = await store.storedCheckpoints();
        const key = loadSigningKey(config.signingKey, config.logOrigin, stored, config.lostKeyId);
        const where = 'file' in config.signingKey ? ` (${config.signingKey.file})` : '';
        const how = { configured: 'aus der Konfiguration', file: 'aus der Datei', generated: 'neu erzeugt', replaced: 'neu erzeugt', ephemeral: 'nur im Speicher (flüchtig)' }[key.origin];
        const logger = new Logger('Checkpoints');
        logger.log(`Signaturschlüssel ${how}${where}; Schlüssel-ID ${key.keyId}; Log ${key.logOrigin}`);
        if (key.origin === 'replaced') {
          logger.warn(
            `Der neue Schlüssel ersetzt den für verloren erklärten (Schlüssel-ID ${stored.newest!.keyId}): die Signaturen der Checkpoints bis Checkpoint ${stored.newest!.sequence} sind nicht mehr prüfbar. Die Prüfung vergleicht ihre Angaben weiter mit dem Log und nennt sie, bis ein Checkpoint unter dem neuen Schlüssel sie fortsetzt (POST /api/audit/checkpoints oder der periodische); ihre veröffentlichten Kopien prüft der alte öffentliche Schlüssel.`,
          );
        } else if (stored.newest && stored.newest.keyId !== key.keyId) {
          logger.warn(
            `Der neueste Checkpoint ${stored.newest.sequence} trägt die Schlüssel-ID ${stored.newest.keyId}, nicht die des geladenen Schlüssels: die Prüfung (GET /api/audit/verify) sagt, ob er mit einem früheren Schlüssel signiert ist oder nicht gilt.`,
          );
        }
        return key;
      },
      inject: [AUDIT_CONFIG, AuditStore],
    },
    AuditStore,
    AuditService,
    CheckpointScheduler,
  ],
  exports: [AuditService, AuditStore],
})
export class AuditModule {}
