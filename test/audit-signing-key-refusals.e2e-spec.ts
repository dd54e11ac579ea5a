/**
 * A signing key the service cannot use is refused at the start in one German line that names
 * where the key came from (GREMIENLAUF_SIGNING_KEY or the file) and what is wrong, never Node's
 * decoder error or a stack; and the refusals point to a section of docs/audit.md that exists.
 */
import { generateKeyPairSync } from 'node:crypto';
import fs, { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseConfig } from '../config/configuration';
import { SigningKeyRefusal } from '../src/audit/signing-key';
import { startTestApp } from './support/test-app';

describe('a signing key that cannot be used', () => {
  let dir: string;
  const saved = { ...process.env };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gremienlauf-key-refusal-'));
  });
  afterEach(() => {
    jest.restoreAllMocks();
    for (const name of ['GREMIENLAUF_SIGNING_KEY', 'GREMIENLAUF_SIGNING_KEY_FILE', 'GREMIENLAUF_SIGNING_KEY_LOST']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** The refusal of a start on a new SQLite file in `dir` with the environment given. */
  async function refusal(env: Record<string, string>): Promise<Error> {
    Object.assign(process.env, env);
    const outcome = await startTestApp({ databaseConfig: databaseConfig(join(dir, 'db.sqlite')) }).then(
      async (app) => {
        await app.close();
        return null;
      },
      (error: Error) => error,
    );
    if (!outcome) throw new Error('the start was not refused');
    return outcome;
  }

  /** One line, a SigningKeyRefusal (the start commands print it alone), without Node's wording. */
  function expectOneGermanLine(error: Error): string {
    expect(error).toBeInstanceOf(SigningKeyRefusal);
    expect(error.message).not.toContain('\n');
    expect(error.message).not.toMatch(/DECODER|error:1E08010C|EACCES:|unsupported/);
    return error.message;
  }

  test('GREMIENLAUF_SIGNING_KEY=garbage is refused naming the variable and what it must hold', async () => {
    const message = expectOneGermanLine(await refusal({ GREMIENLAUF_SIGNING_KEY: 'garbage' }));
    expect(message).toMatch(/^Ungültiger Signaturschlüssel: die Umgebungsvariable GREMIENLAUF_SIGNING_KEY enthält keinen lesbaren privaten Schlüssel \(erwartet: einen Ed25519-Schlüssel im PKCS#8-PEM-Format/);
  });

  test('a key file that holds no key is refused naming the file', async () => {
    const file = join(dir, 'key.pem');
    writeFileSync(file, 'das ist kein Schlüssel\n');
    const message = expectOneGermanLine(await refusal({ GREMIENLAUF_SIGNING_KEY_FILE: file }));
    expect(message).toContain(`die Schlüsseldatei ${file} enthält keinen lesbaren privaten Schlüssel`);
  });

  test('a public key where the private one belongs is named as such', async () => {
    const file = join(dir, 'key.pem');
    writeFileSync(file, generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }));
    expect(expectOneGermanLine(await refusal({ GREMIENLAUF_SIGNING_KEY_FILE: file }))).toContain(`die Schlüsseldatei ${file} enthält einen öffentlichen Schlüssel, nötig ist der private`);
  });

  test('a key of another kind than Ed25519 is refused naming its source', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(expectOneGermanLine(await refusal({ GREMIENLAUF_SIGNING_KEY: rsa }))).toMatch(/^Der Schlüssel aus GREMIENLAUF_SIGNING_KEY muss ein Ed25519-Schlüssel sein, nicht rsa/);
  });

  test('a key file the service may not read is refused naming the file and the missing rights', async () => {
    const file = join(dir, 'key.pem');
    writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    // As root no file mode keeps a file from being read: the read fails as it does for another user.
    const read = fs.readFileSync;
    jest.spyOn(fs, 'readFileSync').mockImplementation(((path: fs.PathOrFileDescriptor, options?: unknown) => {
      if (path === file) throw Object.assign(new Error(`EACCES: permission denied, open '${file}'`), { code: 'EACCES' });
      return read(path, options as BufferEncoding);
    }) as typeof fs.readFileSync);
    const message = expectOneGermanLine(await refusal({ GREMIENLAUF_SIGNING_KEY_FILE: file }));
    expect(message).toMatch(new RegExp(`^Die Schlüsseldatei ${file} lässt sich nicht lesen: Der Benutzer, unter dem der Dienst läuft, hat keine Rechte dafür \\(EACCES\\)`));
  });

  test('a directory named as the key file is refused naming it', async () => {
    const folder = join(dir, 'keys');
    mkdirSync(folder);
    expect(expectOneGermanLine(await refusal({ GREMIENLAUF_SIGNING_KEY_FILE: folder }))).toBe(
      `Die Schlüsseldatei ${folder} lässt sich nicht lesen: Das ist ein Verzeichnis, keine Datei. Nennen Sie die richtige Datei mit GREMIENLAUF_SIGNING_KEY_FILE (docs/audit.md, „The signing key“).`,
    );
  });

  test('the refusal for a missing key points to a section docs/audit.md has', async () => {
    // Checkpoint 1 signed, then the key file gone.
    const app = await startTestApp({ databaseConfig: databaseConfig(join(dir, 'db.sqlite')) });
    await app.http.post('/api/audit/checkpoints').expect(201);
    await app.close();
    rmSync(join(dir, 'signing-key.pem'));
    const message = expectOneGermanLine(await refusal({}));
    const section = /docs\/audit\.md, „([^“]+)“/.exec(message)?.[1];
    expect(section).toBe('The signing key');
    const headings = readFileSync(join(__dirname, '..', 'docs', 'audit.md'), 'utf8').split('\n').filter((line) => line.startsWith('#'));
    expect(headings).toContain(`### ${section}`);
  });
});
