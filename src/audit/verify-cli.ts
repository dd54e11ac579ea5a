/**
 * `gremienlauf verify FILE --public-key KEY`: checks an audit export offline.
 * KEY is a PEM file, PEM text, the base64 of the SPKI DER key or the JSON that
 * GET /api/audit/public-key answers (as a file or text); further `--public-key` options name earlier keys (declared lost and replaced), whose
 * checkpoints' signatures are then checked too. `--published FILE` adds checkpoints kept from
 * where they were published. The tree head (size and Merkle root) of every checkpoint, exported
 * or published, is recomputed from the exported events whatever key signed it, given or not.
 * Exit code 0 only if every check holds, 1 if any fails, 2 on wrong usage.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SignedCheckpoint } from './checkpoint';
import { whereJsonBreaks } from '../common/json-problem';
import { formatReport, verifyExport } from './offline-verifier';

export const VERIFY_USAGE =
  'Aufruf: gremienlauf verify EXPORTDATEI --public-key SCHLÜSSEL [--public-key FRÜHERER …] [--published CHECKPOINTS] (SCHLÜSSEL: der aktuelle, PEM-Datei, PEM-Text, Base64 des SPKI-DER-Schlüssels oder die Antwort von GET /api/audit/public-key als JSON-Datei; FRÜHERER: ein früherer, für verloren erklärter Schlüssel, mit dem die Signaturen seiner Checkpoints geprüft werden; CHECKPOINTS: JSON-Datei mit veröffentlichten Checkpoints)';

/** A `--public-key` that is JSON but not the service's answer with the key; the message (German) says what is missing. */
export class PublicKeyUnreadable extends Error {}

/**
 * The public key of a `--public-key`: a file or the text itself, holding PEM, the base64 of the
 * SPKI DER key, or the JSON that GET /api/audit/public-key answers (its `pem`).
 */
export function readPublicKey(key: string): KeyObject {
  const fromFile = existsSync(key);
  const text = (fromFile ? readFileSync(key, 'utf8') : key).replace(/^\uFEFF/, '');
  if (text.trim().startsWith('{')) return createPublicKey(pemOfAnswer(text, fromFile ? `Die Datei „${key}“` : 'Der Text'));
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  return createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
}

/** The `pem` of GET /api/audit/public-key's answer; `what` names where the JSON came from. */
function pemOfAnswer(text: string, what: string): string {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch (error) {
    throw new PublicKeyUnreadable(`${what} beginnt mit „{“, ist aber kein gültiges JSON (${whereJsonBreaks(text, error)}).`);
  }
  const pem = isRecord(answer) ? answer.pem : undefined;
  if (typeof pem !== 'string' || !pem.includes('-----BEGIN')) {
    throw new PublicKeyUnreadable(`${what} ist JSON, aber ohne Feld „pem“ mit dem Schlüssel als PEM-Text, wie GET /api/audit/public-key ihn nennt.`);
  }
  return pem;
}

/** The file of `--published` does not hold checkpoints that can be read; the message (German) names the file and where. */
export class PublishedCheckpointsUnreadable extends Error {}

/**
 * Checkpoints as they were published: a JSON array (as GET /api/audit/checkpoints answers), one
 * checkpoint object, or JSON Lines of them (also the export's checkpoint lines).
 */
export function readPublished(file: string): SignedCheckpoint[] {
  const unreadable = (why: string) => new PublishedCheckpointsUnreadable(`Die veröffentlichten Checkpoints in „${file}“ sind nicht lesbar: ${why}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PublishedCheckpointsUnreadable(`Die Datei „${file}“ (--published) gibt es nicht.`);
    throw unreadable(code === 'EISDIR' ? 'das ist ein Verzeichnis.' : `die Datei lässt sich nicht öffnen (${code}).`);
  }
  let items: unknown[];
  try {
    items = jsonItems(text);
  } catch (error) {
    if (!(error instanceof JsonBreak)) throw error;
    throw unreadable(`kein gültiges JSON, ${error.where}.`);
  }
  return items.map((item, i) => {
    const checkpoint = isRecord(item) && item.kind === 'checkpoint' && 'checkpoint' in item ? item.checkpoint : item;
    if (!isRecord(checkpoint) || !isRecord(checkpoint.payload) || typeof checkpoint.payload.sequence !== 'number' || typeof checkpoint.signature !== 'string') {
      throw unreadable(`${items.length === 1 ? 'der Inhalt' : `Eintrag ${i + 1}`} ist kein signierter Checkpoint (mit payload.sequence und signature, wie GET /api/audit/checkpoints sie nennt).`);
    }
    return checkpoint as unknown as SignedCheckpoint;
  });
}

class JsonBreak extends Error {
  constructor(readonly where: string) {
    super(where);
  }
}

/** The values of the text: one JSON value (an array gives its items), else JSON Lines; where neither, the line and character it breaks at. */
function jsonItems(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      return Array.isArray(value) ? value : [value];
    } catch (error) {
      // More than one object: JSON Lines. An array, or a single object, breaks where it breaks.
      if (trimmed.startsWith('[') || !/after JSON/.test(String(error))) throw new JsonBreak(breakAt(text, error));
    }
  }
  const lines = text.split('\n');
  return lines.flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as unknown];
    } catch (error) {
      throw new JsonBreak(breakAt(line, error, i + 1));
    }
  });
}

/** `Zeile 3, Zeichen 5 („x“)` where JSON.parse stopped (`firstLine`: the line the text starts on). */
function breakAt(text: string, error: unknown, firstLine = 1): string {
  const given = /at position (\d+)/.exec(error instanceof Error ? error.message : '');
  // Without a position (node names the token only), a text that cannot start a JSON value breaks at its first character.
  const start = text.search(/\S/);
  const at = given ? Number(given[1]) : start >= 0 && !/[[{"\-0-9tfn]/.test(text[start]) ? start : null;
  if (at === null) return `Zeile ${firstLine}: ${whereJsonBreaks(text, error)}`;
  const before = text.slice(0, at);
  const line = firstLine + before.split('\n').length - 1;
  if (at >= text.length) return `in Zeile ${line} endet der Text vorzeitig`;
  return `Zeile ${line}, Zeichen ${at - before.lastIndexOf('\n')} („${text[at]}“)`;
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export async function runVerify(args: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  const rest = [...args];
  const option = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest.splice(at, 2)[1] : undefined;
  };
  // The first --public-key is the current key, every further one an earlier key.
  const keys: string[] = [];
  for (let key = option('--public-key'); key !== undefined; key = option('--public-key')) keys.push(key);
  const publishedFile = option('--published');
  const [file, ...extra] = rest;
  if (!file || keys.length === 0 || extra.length > 0) {
    print(VERIFY_USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    print(`Die Datei ${file} gibt es nicht.`);
    return 2;
  }
  const publicKeys: KeyObject[] = [];
  for (const key of keys) {
    let publicKey: KeyObject;
    try {
      publicKey = readPublicKey(key);
    } catch (error) {
      print(`Der öffentliche Schlüssel ist nicht lesbar: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
    if (publicKey.asymmetricKeyType !== 'ed25519') {
      print(`Erwartet einen Ed25519-Schlüssel, nicht ${publicKey.asymmetricKeyType}.`);
      return 2;
    }
    publicKeys.push(publicKey);
  }
  const [publicKey, ...earlierKeys] = publicKeys;
  let published: SignedCheckpoint[] | undefined;
  if (publishedFile) {
    try {
      published = readPublished(publishedFile);
    } catch (error) {
      if (!(error instanceof PublishedCheckpointsUnreadable)) throw error;
      print(error.message);
      return 2;
    }
  }
  // The file is read in passes (constant memory): each pass opens it afresh.
  const lines = () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const report = await verifyExport(lines, publicKey, { published, earlierKeys });
  for (const line of formatReport(report)) print(line);
  return report.ok ? 0 : 1;
}

if (require.main === module) {
  runVerify(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(2);
    },
  );
}
