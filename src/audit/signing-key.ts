import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditConfig } from './audit.config';
import { keyIdOf } from './checkpoint';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  keyId: string;
  /** How the key came about, for the start-up log. */
  origin: 'configured' | 'file' | 'generated' | 'replaced' | 'ephemeral';
  /** The log's name in C2SP checkpoint notes, and the note key's name. */
  logOrigin: string;
  /** The key id of the key declared lost (GREMIENLAUF_SIGNING_KEY_LOST) that this one replaces; absent otherwise. */
  replaces?: string;
}

/** The key the database is bound to: the one recorded last in `audit_signing_keys`. */
export interface RecordedKey {
  /** Its place in `audit_signing_keys` (1 for the first key); the next key recorded takes the one after. */
  position: number;
  keyId: string;
}

/** What the log holds of checkpoints and keys, as far as the choice of key depends on it. */
export interface StoredCheckpoints {
  count: number;
  /** The newest checkpoint's sequence and key id; null without checkpoints. */
  newest: { sequence: number; keyId: string } | null;
  /** The key recorded last for the database (every instance signs with it); null before any start recorded one. */
  recorded?: RecordedKey | null;
}

/** A start that must not go on with the key it would get: the message (one German line) says why and what to do. */
export class SigningKeyRefusal extends Error {}

/** Where the docs explain the key (docs/audit.md, its heading). */
export const SIGNING_KEY_DOCS = 'docs/audit.md, „The signing key“';

/** How every instance gets the same key, for the refusals. */
const SHARE_KEY =
  'Alle Instanzen einer Datenbank müssen mit demselben Schlüssel signieren: geben Sie jeder dieselbe Schlüsseldatei (GREMIENLAUF_SIGNING_KEY_FILE) oder denselben Schlüssel als Text (GREMIENLAUF_SIGNING_KEY)';

/**
 * The key id every instance of the database must sign with: the one recorded for it, or (on a
 * database from before keys were recorded) the newest checkpoint's; null on a new database.
 */
export function boundKeyId(stored: StoredCheckpoints): string | null {
  return stored.recorded?.keyId ?? stored.newest?.keyId ?? null;
}

/**
 * Loads the Ed25519 signing key as configured and checks it against the key the database is
 * bound to (`boundKeyId`): all instances of one database sign with one key, so a key that differs
 * is refused (SigningKeyRefusal) unless `lostKeyId` names the bound key: the operator declares it
 * lost, and the loaded key replaces it. A missing key file is created with a new key (mode 0600)
 * on a new database, or where the bound key was declared lost; otherwise the start is refused, as
 * a new key would leave every signed checkpoint unverifiable. A key that cannot be read is
 * refused in one line naming the variable or the file.
 */
export function loadSigningKey(
  config: AuditConfig['signingKey'],
  logOrigin?: string,
  stored: StoredCheckpoints = { count: 0, newest: null },
  lostKeyId?: string,
): SigningKey {
  const key = loadKey(config, stored, lostKeyId);
  return { ...key, logOrigin: logOrigin ?? `gremienlauf/${key.keyId.slice(0, 16)}` };
}

type LoadedKey = Omit<SigningKey, 'logOrigin'>;

function loadKey(config: AuditConfig['signingKey'], stored: StoredCheckpoints, lostKeyId: string | undefined): LoadedKey {
  if ('ephemeral' in config) return checked(fromPrivate(generateKeyPairSync('ed25519').privateKey, 'ephemeral'), 'Ein flüchtiger Schlüssel', stored, lostKeyId);
  if ('pem' in config) {
    const source = 'Der Schlüssel aus GREMIENLAUF_SIGNING_KEY';
    return checked(fromPem(config.pem, source, 'die Umgebungsvariable GREMIENLAUF_SIGNING_KEY enthält'), source, stored, lostKeyId, 'configured');
  }
  const source = `Der Signaturschlüssel in ${config.file}`;
  const text = readKeyFile(config.file);
  if (text !== null) return checked(fromPem(text, source, `die Schlüsseldatei ${config.file} enthält`), source, stored, lostKeyId, 'file');
  const bound = boundKeyId(stored);
  if (bound !== null) missingFile(config.file, stored, bound, lostKeyId);
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    mkdirSync(dirname(config.file), { recursive: true });
    writeFileSync(config.file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process starting at the same moment wrote its key first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return checked(fromPem(readKeyFile(config.file) ?? '', source, `die Schlüsseldatei ${config.file} enthält`), source, stored, lostKeyId, 'file');
    }
    throw new SigningKeyRefusal(`Die Schlüsseldatei ${config.file} lässt sich nicht anlegen: ${fileProblem(error)} Legen Sie sie an oder nennen Sie eine andere mit GREMIENLAUF_SIGNING_KEY_FILE (${SIGNING_KEY_DOCS}).`);
  }
  const key = fromPrivate(privateKey, bound === null ? 'generated' : 'replaced');
  return bound === null ? key : { ...key, replaces: bound };
}

/**
 * The loaded key where the database is bound to no key or to this one; where it is bound to the
 * key declared lost, the key replacing it; otherwise the refusal, in one line: where the key
 * comes from, both key ids, how every instance gets the same key.
 */
function checked(key: LoadedKey, source: string, stored: StoredCheckpoints, lostKeyId: string | undefined, origin: SigningKey['origin'] = key.origin): LoadedKey {
  const bound = boundKeyId(stored);
  if (bound === null || bound === key.keyId) return { ...key, origin };
  if (lostKeyId !== undefined && bound.startsWith(lostKeyId)) return { ...key, origin: 'replaced', replaces: bound };
  const signedWith =
    stored.newest?.keyId === bound
      ? `die Checkpoints des Logs sind mit der Schlüssel-ID ${bound} signiert (der neueste: Checkpoint ${stored.newest.sequence})`
      : `die Datenbank ist an die Schlüssel-ID ${bound} gebunden (${stored.newest ? `seit dem Ersatz eines verlorenen Schlüssels; der neueste Checkpoint ${stored.newest.sequence} trägt noch ${stored.newest.keyId}` : 'mit ihm hat eine andere Instanz begonnen; noch gibt es keinen Checkpoint'})`;
  const lost = lostKeyId === undefined ? '' : ` GREMIENLAUF_SIGNING_KEY_LOST nennt ${lostKeyId}, nicht diese Schlüssel-ID.`;
  throw new SigningKeyRefusal(
    `${source} (Schlüssel-ID ${key.keyId}) ist nicht der Schlüssel dieser Datenbank: ${signedWith}.${lost} ${SHARE_KEY}, den mit der Schlüssel-ID ${bound}. ` +
      `Nur wenn dieser auf keiner Instanz und in keiner Sicherung mehr zu finden ist, startet GREMIENLAUF_SIGNING_KEY_LOST=${bound} mit diesem Schlüssel (${SIGNING_KEY_DOCS}).`,
  );
}

/** The refusal for a missing key file on a database bound to a key, unless the operator declared that key lost. */
function missingFile(file: string, stored: StoredCheckpoints, bound: string, lostKeyId: string | undefined): void {
  const newest = stored.newest;
  if (lostKeyId === undefined) {
    const holds =
      newest && newest.keyId === bound
        ? (() => {
            const [checkpoints, them] = stored.count === 1 ? ['einen Checkpoint', 'ihn'] : [`${stored.count} Checkpoints`, 'sie alle'];
            return `das Log hält aber schon ${checkpoints}, der neueste (Checkpoint ${newest.sequence}) signiert mit der Schlüssel-ID ${bound}: ein neuer Schlüssel ließe ${them} unprüfbar.`;
          })()
        : `die Datenbank ist aber an die Schlüssel-ID ${bound} gebunden: ein neuer Schlüssel wiche von dem der anderen Instanzen ab.`;
    throw new SigningKeyRefusal(
      `Der Signaturschlüssel ${file} fehlt, ${holds} Legen Sie die Datei aus der Sicherung oder von einer anderen Instanz wieder an (oder nennen Sie sie mit GREMIENLAUF_SIGNING_KEY_FILE, oder geben Sie den Schlüssel als Text in GREMIENLAUF_SIGNING_KEY); ` +
        `ist der Schlüssel verloren, startet GREMIENLAUF_SIGNING_KEY_LOST=${bound} mit einem neuen (${SIGNING_KEY_DOCS}).`,
    );
  }
  if (!bound.startsWith(lostKeyId)) {
    const which = newest?.keyId === bound ? `der neueste Checkpoint ${newest.sequence} ist aber mit der Schlüssel-ID ${bound} signiert` : `die Datenbank ist aber an die Schlüssel-ID ${bound} gebunden`;
    throw new SigningKeyRefusal(
      `Der Signaturschlüssel ${file} fehlt; GREMIENLAUF_SIGNING_KEY_LOST nennt ${lostKeyId}, ${which}: ` +
        'nur der Schlüssel des neuesten Checkpoints lässt sich für verloren erklären. Legen Sie die Datei aus der Sicherung wieder an oder nennen Sie diese Schlüssel-ID.',
    );
  }
}

/** The key file's text; null where it does not exist. Any other reason it cannot be read is a refusal naming the file. */
function readKeyFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new SigningKeyRefusal(`Die Schlüsseldatei ${file} lässt sich nicht lesen: ${fileProblem(error)} Nennen Sie die richtige Datei mit GREMIENLAUF_SIGNING_KEY_FILE (${SIGNING_KEY_DOCS}).`);
  }
}

/** Why a file could not be read or written, in German. */
function fileProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `Der Benutzer, unter dem der Dienst läuft, hat keine Rechte dafür (${code}); die Datei muss ihm gehören und für ihn lesbar sein (chmod 600).`;
    case 'EISDIR':
      return 'Das ist ein Verzeichnis, keine Datei.';
    case 'ENOTDIR':
      return 'Ein Teil des Pfades ist kein Verzeichnis.';
    case 'EROFS':
      return 'Das Dateisystem ist schreibgeschützt.';
    default:
      return `${code ?? (error instanceof Error ? error.message : String(error))}.`;
  }
}

/** The private key in PEM text; text that is none is a refusal naming where it came from. */
function fromPem(pem: string, source: string, holding: string): LoadedKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    const what = pem.includes('PUBLIC KEY')
      ? 'einen öffentlichen Schlüssel, nötig ist der private'
      : pem.trim() === ''
        ? 'nichts'
        : 'keinen lesbaren privaten Schlüssel';
    throw new SigningKeyRefusal(
      `Ungültiger Signaturschlüssel: ${holding} ${what} (erwartet: einen Ed25519-Schlüssel im PKCS#8-PEM-Format, „-----BEGIN PRIVATE KEY-----“ …, etwa von „openssl genpkey -algorithm ed25519“; ${SIGNING_KEY_DOCS}).`,
    );
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new SigningKeyRefusal(`${source} muss ein Ed25519-Schlüssel sein, nicht ${privateKey.asymmetricKeyType} (erzeugen lässt er sich mit „openssl genpkey -algorithm ed25519“; ${SIGNING_KEY_DOCS}).`);
  }
  return fromPrivate(privateKey, 'file');
}

function fromPrivate(privateKey: KeyObject, origin: SigningKey['origin']): LoadedKey {
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), origin };
}
