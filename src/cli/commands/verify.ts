import { createReadStream, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { KeyObject } from 'node:crypto';
import { formatReport, verifyExport, type ExportSource } from '../../audit/offline-verifier';
import type { SignedCheckpoint } from '../../audit/checkpoint';
import { readPublicKey, readPublished } from '../../audit/verify-cli';
import type { CliCommand } from '../command';
import { EXIT, UsageError } from '../errors';

export const verifyCommand: CliCommand = {
  name: 'verify',
  args: ['DATEI'],
  summary: 'Einen Prüfexport (JSON Lines) offline prüfen: Hashes, Ketten, Checkpoint-Signaturen, Wiederholung jedes Gremiums',
  description: [
    'Braucht weder Datenbank noch Netz: nur die Exportdatei (gremienlauf export, GET /api/audit/export; „-“ liest von stdin)',
    'und den öffentlichen Schlüssel, der aus einer vertrauenswürdigen Quelle stammen muss, nicht aus dem Export selbst.',
    'Exit-Code 0 nur, wenn alle Prüfungen bestehen; 1, wenn eine fehlschlägt; 2 bei falschem Aufruf.',
  ].join('\n'),
  options: {
    'public-key': {
      type: 'string',
      value: 'SCHLÜSSEL',
      description: 'öffentlicher Ed25519-Schlüssel: PEM-Datei, PEM-Text oder Base64 (SPKI-DER, wie GET /api/audit/public-key ihn nennt)',
    },
    published: {
      type: 'string',
      value: 'DATEI',
      description: 'veröffentlichte Checkpoints (JSON wie GET /api/audit/checkpoints): müssen unverändert im Export stehen und noch gelten',
    },
  },
  async run(ctx) {
    const key = ctx.options['public-key'];
    if (typeof key !== 'string') throw new UsageError('Es fehlt --public-key SCHLÜSSEL.');
    let publicKey: KeyObject;
    try {
      publicKey = readPublicKey(key);
    } catch {
      // The option takes a file or the key itself: which of them was meant, the message cannot know, so it names both.
      throw new UsageError(
        existsSync(key)
          ? `Der öffentliche Schlüssel ist nicht lesbar: die Datei „${key}“ enthält keinen Schlüssel als PEM-Text oder Base64.`
          : `Der öffentliche Schlüssel ist nicht lesbar: „${key}“ ist weder eine Datei, die es gibt, noch ein Schlüssel als PEM-Text oder Base64.`,
      );
    }
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new UsageError(`Erwartet einen Ed25519-Schlüssel, nicht ${publicKey.asymmetricKeyType}.`);

    let published: SignedCheckpoint[] = [];
    if (typeof ctx.options.published === 'string') {
      const path = ctx.options.published;
      try {
        published = readPublished(path);
      } catch (error) {
        throw new UsageError(`Die veröffentlichten Checkpoints in „${path}“ sind nicht lesbar: ${error instanceof Error ? error.message : String(error)}`);
      }
    }

    const file = ctx.args.DATEI!;
    let lines: ExportSource;
    if (file === '-') {
      lines = (await ctx.readInput('-')).split('\n');
    } else {
      await access(file).catch(() => {
        throw new UsageError(`Die Datei „${file}“ gibt es nicht.`);
      });
      // The file is read in passes (constant memory): each pass opens it afresh.
      lines = () => createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
    }
    const report = await verifyExport(lines, publicKey, { published });
    ctx.out.result(report, (r) => formatReport(r).join('\n'));
    return report.ok ? EXIT.ok : EXIT.refused;
  },
};
