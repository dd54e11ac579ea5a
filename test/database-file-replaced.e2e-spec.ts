/**
 * The SQLite file moved, deleted or replaced while the service runs (a backup put in its place
 * before the service was stopped, say): the service's connections would go on writing into the
 * file they opened, which the next start no longer opens, so every write acknowledged from then
 * on would be lost. The service writes nothing then and says why (503), and so does /health;
 * nor does it read (its reads would show the file opened, its audit views the one at the path).
 * With the right file back in its place it reads and writes again.
 */
import { renameSync, rmSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { Database, DatabaseFileReplaced } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

describe('the SQLite file moved or replaced while the service runs', () => {
  let t: TestApp;
  let file: string;
  let bodyId: string;

  beforeEach(async () => {
    t = await startTestApp({ database: 'sqlite' });
    file = (t.config.database as { file: string }).file;
    bodyId = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
  });
  afterEach(() => t.close());

  /** The body's version and title in the file at `path`, read by a connection of its own. */
  function storedIn(path: string): { version: number; title: string } {
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT version, title FROM bodies WHERE id = ?').get(bodyId) as { version: number; title: string };
    } finally {
      db.close();
    }
  }

  /** A consistent copy of the database as it stands (as `gremienlauf backup` makes one). */
  async function backup(): Promise<string> {
    const copy = `${file}.sicherung`;
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      await db.backup(copy);
    } finally {
      db.close();
    }
    return copy;
  }

  /** Puts `copy` where the database is, as a restore does (without the old -wal and -shm files), but while the service runs. */
  function restoreInPlace(copy: string): void {
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
    renameSync(copy, file);
  }

  it('moved away: a write is refused with the reason and /health answers 503; moved back, it is written', async () => {
    renameSync(file, `${file}.verschoben`);

    const refused = await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted' }).expect(503);
    expect(refused.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringContaining(`Die Datenbankdatei ${file} gibt es nicht mehr: sie wurde verschoben oder gelöscht, während der Dienst lief.`),
      details: null,
    });
    expect(refused.body.message).toContain('die richtige Datei zurück an ihren Platz legen, oder den Dienst neu starten, wenn dort nun die richtige liegt');
    const health = await t.anonymous.get('/health').expect(503);
    expect(health.body.message).toContain(`Die Datenbankdatei ${file} gibt es nicht mehr`);

    renameSync(`${file}.verschoben`, file);
    await t.anonymous.get('/health').expect(200);
    // Had the refused one been written, the body would be submitted already, and this one refused.
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted' }).expect(200);
    expect(storedIn(file).version).toBe(2);
  });

  it('its write-ahead log deleted (the first step of a restore, taken while the service runs): the next write is refused', async () => {
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted' }).expect(200);
    rmSync(`${file}-wal`);
    rmSync(`${file}-shm`, { force: true });

    const refused = await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'withdrawn' }).expect(503);
    expect(refused.body.message).toContain(`Das Write-Ahead-Log der Datenbank (${file}-wal) wurde gelöscht oder ersetzt, während der Dienst lief.`);
    expect((await t.anonymous.get('/health').expect(503)).body.message).toContain('Write-Ahead-Log');
  });

  it('a backup put in its place: the next write is refused and the backup stays as it was', async () => {
    const copy = await backup();
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted' }).expect(200);
    restoreInPlace(copy);

    const refused = await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'withdrawn' }).expect(503);
    expect(refused.body.message).toContain(`Unter ${file} liegt nicht mehr die Datenbankdatei, die der Dienst geöffnet hat: sie wurde ersetzt`);
    expect((await t.anonymous.get('/health').expect(503)).body.message).toContain('liegt nicht mehr die Datenbankdatei');
    expect(storedIn(file)).toEqual({ version: 1, title: EXAMPLE_REGISTRATION.title });
  });

  it('a backup put in its place: reads are refused as well, the body, the list and verify alike, where they would show the file opened or the backup', async () => {
    const copy = await backup();
    await t.http.post(`/api/bodies/${bodyId}/events`).send({ type: 'submitted' }).expect(200);
    restoreInPlace(copy);

    // The body page read the file opened (version 2), verify the backup now at the path (version 1): neither is answered.
    for (const path of [`/api/bodies/${bodyId}`, '/api/bodies', '/api/audit/verify']) {
      const refused = await t.http.get(path).expect(503);
      expect(refused.body).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        message:
          `Der Vorgang wurde nicht ausgeführt. Unter ${file} liegt nicht mehr die Datenbankdatei, die der Dienst geöffnet hat: sie wurde ersetzt (etwa durch eine zurückgespielte Sicherung), während der Dienst lief. ` +
          'Der Dienst liest und schreibt nichts mehr, denn die Datei, die er geöffnet hat, ist nicht mehr die Datenbank unter ihrem Pfad: die richtige Datei zurück an ihren Platz legen, oder den Dienst neu starten, wenn dort nun die richtige liegt (/health antwortet bis dahin 503).',
        details: null,
      });
    }
  });

  it('moved away and back: reads are refused meanwhile, and answered again once it is back', async () => {
    renameSync(file, `${file}.verschoben`);
    expect((await t.http.get(`/api/bodies/${bodyId}`).expect(503)).body.message).toContain(`Die Datenbankdatei ${file} gibt es nicht mehr`);
    expect((await t.http.get('/api/audit/verify').expect(503)).body.message).toContain(`Die Datenbankdatei ${file} gibt es nicht mehr`);
    renameSync(`${file}.verschoben`, file);
    expect((await t.http.get(`/api/bodies/${bodyId}`).expect(200)).body).toMatchObject({ id: bodyId, version: 1 });
    await t.http.get('/api/audit/verify').expect(200);
  });

  it('replaced while a unit of work runs: its COMMIT went to the file opened, so it is not acknowledged, and not in the database at the path', async () => {
    const copy = await backup();
    const db = t.app.get(Database);
    const unit = db.transaction(async (tx) => {
      tx.write('UPDATE bodies SET title = ? WHERE id = ?', ['In der ersetzten Datei', bodyId]);
      restoreInPlace(copy);
      return 'geschrieben';
    });

    await expect(unit).rejects.toThrow(DatabaseFileReplaced);
    await expect(unit).rejects.toThrow(
      `Der Vorgang steht nur in der Datei, die der Dienst geöffnet hatte, nicht in der Datenbank unter ihrem Pfad: kommt jene Datei an ihren Platz zurück, gilt er, sonst nicht. Unter ${file} liegt nicht mehr die Datenbankdatei`,
    );
    expect(storedIn(file).title).toBe(EXAMPLE_REGISTRATION.title);
  });

  it('moved away while a unit of work runs: not acknowledged, said to hold once the file is back; moved back, it is there', async () => {
    const db = t.app.get(Database);
    const moved = (path: string) => `${path}.verschoben`;
    const unit = db.transaction(async (tx) => {
      tx.write('UPDATE bodies SET title = ? WHERE id = ?', ['In der verschobenen Datei', bodyId]);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) renameSync(path, moved(path));
      return 'geschrieben';
    });

    await expect(unit).rejects.toThrow('Der Vorgang steht nur in der Datei, die der Dienst geöffnet hatte, nicht in der Datenbank unter ihrem Pfad: kommt jene Datei an ihren Platz zurück, gilt er, sonst nicht.');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) renameSync(moved(path), path);
    await t.anonymous.get('/health').expect(200);
    expect(storedIn(file).title).toBe('In der verschobenen Datei');
  });
});
