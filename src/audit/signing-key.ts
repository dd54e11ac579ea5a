import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
}

/** What the log holds of checkpoints, as far as the choice of key depends on it. */
export interface StoredCheckpoints {
  count: number;
  /** The newest checkpoint's sequence and key id; null without checkpoints. */
  newest: { sequence: number; keyId: string } | null;
}

/** A start that must not go on with the key it would get: the message says why and what to do. */
export class SigningKeyRefusal extends Error {}

/**
 * Loads the Ed25519 signing key as configured. A missing key file is created with a new key
 * (mode 0600) on a log without checkpoints; once checkpoints are signed, a new key would leave
 * every one of them unverifiable, so the start is refused (SigningKeyRefusal) unless
 * `lostKeyId` names the key id of the newest checkpoint: the operator declares that key lost.
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

function loadKey(config: AuditConfig['signingKey'], stored: StoredCheckpoints, lostKeyId: string | undefined): Omit<SigningKey, 'logOrigin'> {
  if ('pem' in config) return fromPrivate(createPrivateKey(config.pem), 'configured');
  if ('ephemeral' in config) return fromPrivate(generateKeyPairSync('ed25519').privateKey, 'ephemeral');
  if (existsSync(config.file)) return fromPrivate(createPrivateKey(readFileSync(config.file, 'utf8')), 'file');
  const replaces = stored.newest ? replacing(config.file, stored, stored.newest, lostKeyId) : false;
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(config.file), { recursive: true });
  try {
    writeFileSync(config.file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process starting at the same moment wrote its key first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fromPrivate(createPrivateKey(readFileSync(config.file, 'utf8')), 'file');
    throw error;
  }
  return fromPrivate(privateKey, replaces ? 'replaced' : 'generated');
}

/**
 * True where the operator declared the key of the newest checkpoint lost (GREMIENLAUF_SIGNING_KEY_LOST
 * names its key id); otherwise the refusal, in one line: the file, the key id, what to do.
 */
function replacing(file: string, stored: StoredCheckpoints, newest: NonNullable<StoredCheckpoints['newest']>, lostKeyId: string | undefined): true {
  const [checkpoints, them] = stored.count === 1 ? ['einen Checkpoint', 'ihn'] : [`${stored.count} Checkpoints`, 'sie alle'];
  if (lostKeyId === undefined) {
    throw new SigningKeyRefusal(
      `Der Signaturschlüssel ${file} fehlt, das Log hält aber schon ${checkpoints}, der neueste (Checkpoint ${newest.sequence}) signiert mit der Schlüssel-ID ${newest.keyId}: ` +
        `ein neuer Schlüssel ließe ${them} unprüfbar. Legen Sie die Datei aus der Sicherung wieder an (oder nennen Sie sie mit GREMIENLAUF_SIGNING_KEY_FILE); ` +
        `ist der Schlüssel verloren, startet GREMIENLAUF_SIGNING_KEY_LOST=${newest.keyId} mit einem neuen (docs/audit.md, „Der Signaturschlüssel“).`,
    );
  }
  if (!newest.keyId.startsWith(lostKeyId)) {
    throw new SigningKeyRefusal(
      `Der Signaturschlüssel ${file} fehlt; GREMIENLAUF_SIGNING_KEY_LOST nennt ${lostKeyId}, der neueste Checkpoint ${newest.sequence} ist aber mit der Schlüssel-ID ${newest.keyId} signiert: ` +
        'nur der Schlüssel des neuesten Checkpoints lässt sich für verloren erklären. Legen Sie die Datei aus der Sicherung wieder an oder nennen Sie diese Schlüssel-ID.',
    );
  }
  return true;
}

function fromPrivate(privateKey: KeyObject, origin: SigningKey['origin']): Omit<SigningKey, 'logOrigin'> {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`Der Signaturschlüssel muss ein Ed25519-Schlüssel sein, nicht ${privateKey.asymmetricKeyType}.`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), origin };
}
