/**
 * A start refused on PostgreSQL (here: a signing key that is no key, refused after the database
 * opened) closes the database's connection pools, so the process that tried it is not left
 * waiting on them.
 */
import { Client } from 'pg';
import { SigningKeyRefusal } from '../src/audit/signing-key';
import { openTestDatabase, startTestApp, testDatabaseKinds } from './support/test-app';

jest.setTimeout(30_000);

const onPostgres = testDatabaseKinds().includes('postgres') ? describe : describe.skip;

onPostgres('a refused start on PostgreSQL', () => {
  const saved = process.env.GREMIENLAUF_SIGNING_KEY;
  afterEach(() => {
    if (saved === undefined) delete process.env.GREMIENLAUF_SIGNING_KEY;
    else process.env.GREMIENLAUF_SIGNING_KEY = saved;
  });

  /** The other connections to the test database, waiting a moment for closed ones to go. */
  async function otherConnections(url: string, expected: number): Promise<number> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      let count = -1;
      for (let attempt = 0; attempt < 40; attempt++) {
        const [row] = (await client.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows;
        count = Number(row.n);
        if (count === expected) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return count;
    } finally {
      await client.end();
    }
  }

  test('leaves no connection to the database open', async () => {
    const { config } = await openTestDatabase('postgres');
    if (config.kind !== 'postgres') throw new Error('not PostgreSQL');
    expect(await otherConnections(config.url, 0)).toBe(0);
    process.env.GREMIENLAUF_SIGNING_KEY = 'garbage';
    const error = await startTestApp({ databaseConfig: config }).then(
      async (app) => {
        await app.close();
        throw new Error('the start was not refused');
      },
      (refusal: Error) => refusal,
    );
    expect(error).toBeInstanceOf(SigningKeyRefusal);
    expect(await otherConnections(config.url, 0)).toBe(0);
  });
});
