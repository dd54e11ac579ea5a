import { Logger, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/configuration';
import { APP_CONFIG, ENVIRONMENT } from '../common/common.module';
import { Clock } from '../common/clock';
import { loadAuditConfig, type AuditConfig } from './audit.config';
import { AuditController } from './audit.controller';
import { AuditService, SIGNING_KEY } from './audit.service';
import { AuditStore } from './audit.store';
import { AUDIT_CONFIG, CheckpointScheduler } from './checkpoint.scheduler';
import { loadSigningKey, SigningKeyRefusal, type SigningKey } from './signing-key';

// No ScheduleModule.forRoot() here: a second one would run a second explorer and registry.
// The application imports it once; CheckpointScheduler takes its global SchedulerRegistry.
@Module({
  controllers: [AuditController],
  providers: [
    { provide: AUDIT_CONFIG, useFactory: (app: AppConfig, env: NodeJS.ProcessEnv) => loadAuditConfig(app, env), inject: [APP_CONFIG, ENVIRONMENT] },
    {
      provide: SIGNING_KEY,
      // After the database (through the store): a database that cannot be opened fails the start
      // before a new key file is written beside it, and a missing key file is created anew only
      // on a new database, or where the operator declared the database's key lost.
      useFactory: (config: AuditConfig, store: AuditStore, clock: Clock) => boundSigningKey(config, store, clock),
      inject: [AUDIT_CONFIG, AuditStore, Clock],
    },
    AuditStore,
    AuditService,
    CheckpointScheduler,
  ],
  exports: [AuditService, AuditStore],
})
export class AuditModule {}

/**
 * The signing key as configured, checked against the key the database is bound to (every
 * instance of one database signs with one key: signing-key.ts refuses another) and recorded as
 * that key where it is the first or replaces one declared lost. Two instances starting at the
 * same moment record one key only: the one that comes second checks again, against the first's.
 */
async function boundSigningKey(config: AuditConfig, store: AuditStore, clock: Clock): Promise<SigningKey> {
  const logger = new Logger('Checkpoints');
  for (let attempt = 1; ; attempt++) {
    const stored = await store.storedCheckpoints();
    const key = loadSigningKey(config.signingKey, config.logOrigin, stored, config.lostKeyId);
    if (stored.recorded?.keyId !== key.keyId && !(await store.recordKey(key.keyId, stored.recorded ?? null, key.replaces ?? null, clock.now().toISOString()))) {
      if (attempt < 3) continue;
      throw new SigningKeyRefusal('Der Signaturschlüssel ließ sich nicht als der der Datenbank eintragen: andere Instanzen trugen währenddessen ihre ein. Starten Sie die Instanzen mit demselben Schlüssel (GREMIENLAUF_SIGNING_KEY_FILE oder GREMIENLAUF_SIGNING_KEY).');
    }
    const where = 'file' in config.signingKey ? ` (${config.signingKey.file})` : '';
    const how = { configured: 'aus der Konfiguration', file: 'aus der Datei', generated: 'neu erzeugt', replaced: 'als Ersatz', ephemeral: 'nur im Speicher (flüchtig)' }[key.origin];
    logger.log(`Signaturschlüssel ${how}${where}; Schlüssel-ID ${key.keyId}; Log ${key.logOrigin}`);
    if (key.replaces) {
      logger.warn(
        `Der Schlüssel ersetzt den für verloren erklärten (Schlüssel-ID ${key.replaces}); die Datenbank ist jetzt an ihn gebunden, jede Instanz braucht ihn. ` +
          (stored.newest && stored.newest.keyId !== key.keyId
            ? `Die Signaturen der Checkpoints bis Checkpoint ${stored.newest.sequence} sind nicht mehr prüfbar; der Start schreibt gleich einen Checkpoint unter dem neuen Schlüssel, der sie fortsetzt, wo ihre Angaben noch zum Log passen. Ihre veröffentlichten Kopien prüft der alte öffentliche Schlüssel.`
            : 'Noch hat kein Checkpoint den alten Schlüssel.'),
      );
    } else if (stored.newest && stored.newest.keyId !== key.keyId) {
      logger.warn(
        `Der neueste Checkpoint ${stored.newest.sequence} trägt die Schlüssel-ID ${stored.newest.keyId}, nicht die des Schlüssels, an den die Datenbank gebunden ist: die Prüfung (GET /api/audit/verify) sagt, ob er mit einem früheren Schlüssel signiert ist oder nicht gilt.`,
      );
    }
    return key;
  }
}
