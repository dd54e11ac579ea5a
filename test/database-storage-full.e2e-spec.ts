/**
 * The database out of space. SQLite answers SQLITE_FULL when its disk is full, and so when the file
 * would grow beyond its page limit (`PRAGMA max_page_count`), which stands in for a full disk
 * here. The write is refused with a message that says what is wrong, nothing of it is written,
 * and once there is room again the same request goes through.
 */
import { Database } from '../src/database/database';
import { EXAMPLE_REGISTRATION } from '../src/seed/example-registration';
import { startTestApp, type TestApp } from './support/test-app';

describe('the database out of space', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp({ database: 'sqlite' });
  });
  afterEach(() => t.close());

  /** No page more for the file from now on. */
  async function full(db: Database): Promise<void> {
    const [{ page_count: pages }] = await db.transaction((tx) => tx.query<{ page_count: number }>('PRAGMA page_count'));
    await db.transaction((tx) => tx.query(`PRAGMA max_page_count = ${pages}`));
  }

  it('refuses the write saying the disk is full, writes nothing of it, and takes it once there is room', async () => {
    const db = t.app.get(Database);
    await full(db);
    const registration = { ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' };

    // The file's free pages take a few bodies still; then it is full.
    let written = 0;
    let refused: { status: number; body: unknown } | undefined;
    while (!refused && written < 100) {
      const answer = await t.http.post('/api/bodies').send({ ...registration, title: `Gremium ${written + 1}` });
      if (answer.status === 201) written++;
      else refused = answer;
    }
    expect(refused).toEqual(
      expect.objectContaining({
        status: 500,
        body: {
          statusCode: 500,
          error: 'Internal Server Error',
          message: 'Der Vorgang wurde nicht ausgeführt: der Speicherplatz der Datenbank ist erschöpft (der Datenträger ist voll). Das können nur die Betreiber beheben.',
          details: null,
        },
      }),
    );
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(written);

    await db.transaction((tx) => tx.query('PRAGMA max_page_count = 1073741823'));
    await t.http.post('/api/bodies').send({ ...registration, title: `Gremium ${written + 1}` }).expect(201);
    expect((await t.http.get('/api/bodies').expect(200)).body).toHaveLength(written + 1);
  });

  describe('SQLite rolls back the whole transaction by itself', () => {
    let db: Database;
    let bodyId: string;
    const title = () => db.transaction(async (tx) => (await tx.query<{ title: string }>('SELECT title FROM bodies WHERE id = ?', [bodyId]))[0].title);

    beforeEach(async () => {
      bodyId = (await t.http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, registeredAt: '2024-06-03' }).expect(201)).body.id;
      db = t.app.get(Database);
      await db.transaction(async (tx) => tx.write('CREATE TABLE filler (x BLOB)'));
      await full(db);
    });

    it('so the units of work committed with the failing one are not acknowledged either, and each is told why', async () => {
      // Sent in one turn of the event loop, the two share a commit.
      const renamed = db.transaction(async (tx) => tx.write('UPDATE bodies SET title = ? WHERE id = ?', ['Umbenannt', bodyId]));
      const filled = db.transaction(async (tx) => tx.write('INSERT INTO filler VALUES (zeroblob(1000000))'));

      await expect(renamed).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      await expect(filled).rejects.toMatchObject({ code: 'SQLITE_FULL' });
      expect(await title()).toBe(EXAMPLE_REGISTRATION.title);
    });

    it('so a unit of work that caught the failure and went on writes nothing more, not even outside a transaction', async () => {
      const goesOn = db.transaction(async (tx) => {
        try {
          tx.write('INSERT INTO filler VALUES (zeroblob(1000000))');
        } catch {
          // a caller that takes the failure for its own business
        }
        tx.write('UPDATE bodies SET title = ? WHERE id = ?', ['Umbenannt', bodyId]);
      });

      const failure = await goesOn.then(
        () => null,
        (error: unknown) => error,
      );
      expect(await title()).toBe(EXAMPLE_REGISTRATION.title);
      expect(failure).toEqual(new Error('SQLite hat die Transaktion nach einem Fehler selbst zurückgerollt; die Arbeitseinheiten der Gruppe sind nicht geschrieben.'));
    });
  });
});
