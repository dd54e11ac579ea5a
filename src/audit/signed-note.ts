/**
 * Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), the form
 * transparency-log tools and witnesses read:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n
 *   \n
 *   — <key name> base64(key ID (4 bytes) || Ed25519 signature over the text above the blank line)\n
 *
 * The key ID is SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4]; the verifier key
 * is written `<name>+<key ID hex>+<base64(0x01 || public key)>`. Here the key name is the log's
 * origin and the key is the one that signs the JSON checkpoints.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const ED25519 = 0x01;
const SIGNATURE_PREFIX = '\u2014 ';

/** The 32 raw bytes of an Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('Erwartet einen Ed25519-Schlüssel.');
  return Buffer.from(jwk.x, 'base64url');
}

/** A key name is non-empty and has neither spaces nor `+`. */
export function isKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !/[\u0000-\u001f]/.test(name);
}

export function noteKeyId(name: string, publicKey: KeyObject): Buffer {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([ED25519]))
    .update(rawPublicKey(publicKey))
    .digest()
    .subarray(0, 4);
}

/** The verifier key string (`name+hex+base64`) that note tools are configured with. */
export function noteVerifierKey(name: string, publicKey: KeyObject): string {
  return `${name}+${noteKeyId(name, publicKey).toString('hex')}+${Buffer.concat([Buffer.from([ED25519]), rawPublicKey(publicKey)]).toString('base64')}`;
}

/** Reads a verifier key string back into its name and public key; throws on a malformed or non-Ed25519 one. */
export function parseNoteVerifierKey(vkey: string): { name: string; publicKey: KeyObject } {
  // The base64 part may itself contain '+': split only at the first two.
  const match = /^([^+]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  const [, name = '', hash = '', key = ''] = match ?? [];
  const bytes = Buffer.from(key, 'base64');
  if (!match || !isKeyName(name) || bytes.length !== 33 || bytes[0] !== ED25519 || bytes.toString('base64') !== key) {
    throw new Error('Kein Ed25519-Prüfschlüssel der Form NAME+KENNUNG+SCHLÜSSEL.');
  }
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(1).toString('base64url') }, format: 'jwk' });
  if (noteKeyId(name, publicKey).toString('hex') !== hash) throw new Error('Die Kennung passt nicht zu Name und Schlüssel.');
  return { name, publicKey };
}

/** Signs the note text (which must end in a newline) with one Ed25519 key. */
export function signNote(text: string, name: string, privateKey: KeyObject): string {
  if (!text.endsWith('\n')) throw new Error('Der Text einer Notiz endet mit einem Zeilenumbruch.');
  if (!isKeyName(name)) throw new Error(`Ungültiger Schlüsselname „${name}“ (keine Leerzeichen, kein +).`);
  const signature = sign(null, Buffer.from(text, 'utf8'), privateKey);
  const keyId = noteKeyId(name, createPublicKey(privateKey));
  return `${text}\n${SIGNATURE_PREFIX}${name} ${Buffer.concat([keyId, signature]).toString('base64')}\n`;
}

/**
 * Opens a signed note with a trusted key: the text if a signature of that key (same name and key
 * ID) verifies, otherwise the reason in German. Signatures of other keys are ignored, as the
 * specification asks; a failing signature of the trusted key rejects the note.
 */
export function openNote(note: string, name: string, publicKey: KeyObject): { ok: true; text: string } | { ok: false; reason: string } {
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) return { ok: false, reason: 'Die Notiz enthält Steuerzeichen.' };
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return { ok: false, reason: 'Keine signierte Notiz: Leerzeile vor den Signaturen fehlt.' };
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const keyId = noteKeyId(name, publicKey);
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX)) return { ok: false, reason: `Keine Signaturzeile: „${line.slice(0, 40)}“.` };
    const [lineName, encoded, ...extra] = line.slice(SIGNATURE_PREFIX.length).split(' ');
    const blob = Buffer.from(encoded ?? '', 'base64');
    if (extra.length > 0 || blob.length < 5 || blob.toString('base64') !== encoded) return { ok: false, reason: 'Eine Signaturzeile ist fehlerhaft.' };
    if (lineName !== name || !blob.subarray(0, 4).equals(keyId)) continue;
    if (!verify(null, Buffer.from(text, 'utf8'), publicKey, blob.subarray(4))) return { ok: false, reason: 'Die Signatur des Schlüssels ist ungültig: die Notiz wurde verändert.' };
    verified = true;
  }
  return verified ? { ok: true, text } : { ok: false, reason: `Die Notiz trägt keine Signatur des Schlüssels ${name}.` };
}

/** The checkpoint body of c2sp.org/tlog-checkpoint: origin, tree size, base64 root hash. */
export function checkpointNoteText(origin: string, treeSize: number, rootHashHex: string): string {
  return `${origin}\n${treeSize}\n${Buffer.from(rootHashHex, 'hex').toString('base64')}\n`;
}

/** Reads a checkpoint body (extension lines after the third are allowed and returned). */
export function parseCheckpointNoteText(text: string): { origin: string; treeSize: number; rootHash: string; extensions: string[] } | null {
  const [origin, size, root, ...rest] = text.split('\n');
  const rootBytes = Buffer.from(root ?? '', 'base64');
  if (!origin || !/^(0|[1-9][0-9]*)$/.test(size ?? '') || rootBytes.length !== 32 || rootBytes.toString('base64') !== root) return null;
  return { origin, treeSize: Number(size), rootHash: rootBytes.toString('hex'), extensions: rest.slice(0, -1) };
}
