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
  origin: 'configured' | 'file' | 'generated' | 'ephemeral';
  /** The log's name in C2SP checkpoint notes, and the note key's name. */
  logOrigin: string;
}

/** Loads the Ed25519 signing key as configured; a missing key file is created with a new key (mode 0600). */
export function loadSigningKey(config: AuditConfig['signingKey'], logOrigin?: string): SigningKey {
  const key = loadKey(config);
  return { ...key, logOrigin: logOrigin ?? `gremienlauf/${key.keyId.slice(0, 16)}` };
}

function loadKey(config: AuditConfig['signingKey']): Omit<SigningKey, 'logOrigin'> {
  if ('pem' in config) return fromPrivate(createPrivateKey(config.pem), 'configured');
  if ('ephemeral' in config) return fromPrivate(generateKeyPairSync('ed25519').privateKey, 'ephemeral');
  if (existsSync(config.file)) return fromPrivate(createPrivateKey(readFileSync(config.file, 'utf8')), 'file');
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(config.file), { recursive: true });
  try {
    writeFileSync(config.file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process starting at the same moment wrote its key first: use that one.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fromPrivate(createPrivateKey(readFileSync(config.file, 'utf8')), 'file');
    throw error;
  }
  return fromPrivate(privateKey, 'generated');
}

function fromPrivate(privateKey: KeyObject, origin: SigningKey['origin']): Omit<SigningKey, 'logOrigin'> {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`Der Signaturschlüssel muss ein Ed25519-Schlüssel sein, nicht ${privateKey.asymmetricKeyType}.`);
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, keyId: keyIdOf(publicKey), origin };
}
