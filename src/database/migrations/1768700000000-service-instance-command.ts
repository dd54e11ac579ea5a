import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A local command of the CLI enters itself among the instances too, for as long as it runs
 * (src/cli/local.ts): `command` names it (`gremienlauf import`), null for a service. So an
 * instance that starts with other settings of the Fristen meanwhile is refused, naming the command.
 */
export class ServiceInstanceCommand1768700000000 implements MigrationInterface {
  name = 'ServiceInstanceCommand1768700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE service_instances ADD COLUMN command varchar(200)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE service_instances DROP COLUMN command');
  }
}
