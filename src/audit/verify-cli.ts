/**
 * `gremienlauf verify FILE --public-key KEY`: checks an audit export offline.
 * KEY is a PEM file, PEM text or the base64 of the SPKI DER key (as GET /api/audit/public-key
 * gives it); `--published FILE` adds checkpoints kept from where they were published. Exit code
 * 0 only if every check holds, 1 if any fails, 2 on wrong usage.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { SignedCheckpoint } from './checkpoint';
import { formatReport, verifyExport } from './offline-verifier';

export const VERIFY_USAGE =
  'Aufruf: gremienlauf verify EXPORTDATEI --public-key SCHLÜSSEL [--published CHECKPOINTS] (SCHLÜSSEL: PEM-Datei, PEM-Text oder Base64 des SPKI-DER-Schlüssels; CHECKPOINTS: JSON-Datei mit veröffentlichten Checkpoints)';

export function readPublicKey(key: string): KeyObject {
  const text = existsSync(key) ? readFileSync(key, 'utf8') : key;
  if (text.includes('-----BEGIN')) return createPublicKey(text);
  return createPublicKey({ key: Buffer.from(text.trim(), 'base64'), format: 'der', type: 'spki' });
}

/**
 * Checkpoints as they were published: a JSON array (as GET /api/audit/checkpoints answers), one
 * checkpoint object, or JSON Lines of them.
 */
export function readPublished(file: string): SignedCheckpoint[] {
  const text = readFileSync(file, 'utf8').trim();
  const parsed: unknown = text.startsWith('[') ? JSON.parse(text) : text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const list = (Array.isArray(parsed) ? parsed : [parsed]) as Array<SignedCheckpoint | { kind: 'checkpoint'; checkpoint: SignedCheckpoint }>;
  return list.map((item) => ('checkpoint' in item ? item.checkpoint : item));
}

export async function runVerify(args: readonly string[], print: (line: string) => void = console.log): Promise<number> {
  const rest = [...args];
  const option = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest.splice(at, 2)[1] : undefined;
  };
  const key = option('--public-key');
  const publishedFile = option('--published');
  const [file, ...extra] = rest;
  if (!file || !key || extra.length > 0) {
    print(VERIFY_USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    print(`Die Datei ${file} gibt es nicht.`);
    return 2;
  }
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
  let published: SignedCheckpoint[] = [];
  if (publishedFile) {
    try {
      published = readPublished(publishedFile);
    } catch (error) {
      print(`Die veröffentlichten Checkpoints sind nicht lesbar: ${error instanceof Error ? error.message : String(error)}`);
      return 2;
    }
  }
  // The file is read in passes (constant memory): each pass opens it afresh.
  const lines = () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const report = await verifyExport(lines, publicKey, { published });
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
