import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The instances serving a PostgreSQL database, with the settings of the Fristen each derives with
 * (src/database/instance-registry.ts): an instance with other settings than one alive is refused
 * at its start. `instance_key` is the second key of the instance's liveness lock. Created on
 * SQLite too (one schema), where the service's lock file carries the settings instead.
 */
export class ServiceInstances1768600000000 implements MigrationInterface {
  name = 'ServiceInstances1768600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE service_instances (
      instance_key integer PRIMARY KEY,
      pid integer NOT NULL,
      host varchar(255) NOT NULL,
      port integer,
      started_at varchar(30) NOT NULL,
      settings text NOT NULL
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE service_instances');
  }
}
