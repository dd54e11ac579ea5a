import type { KeyObject } from 'node:crypto';
import type { SignedCheckpoint } from '../../audit/checkpoint';
import {
  CONSISTENCY_PROOF_FORMAT,
  INCLUSION_PROOF_FORMAT,
  verifyConsistencyBundle,
  verifyInclusionBundle,
  type ConsistencyProofBundle,
  type InclusionProofBundle,
  type TrustedCheckpoint,
} from '../../audit/proofs';
import { parseNoteVerifierKey } from '../../audit/signed-note';
import { readPublicKey } from '../../audit/verify-cli';
import type { CliCommand, CommandContext } from '../command';
import { EXIT, UsageError } from '../errors';
import { whereJsonBreaks } from '../../common/json-problem';

/** A checkpoint file as published: the signed JSON (one object) or the C2SP note text. */
async function readCheckpoint(ctx: CommandContext, path: string): Promise<TrustedCheckpoint> {
  const text = await ctx.readInput(path);
  if (!text.trimStart().startsWith('{')) return { note: text };
  try {
    return { json: JSON.parse(text) as SignedCheckpoint };
  } catch (error) {
    throw new UsageError(`Der Checkpoint in „${path}“ ist kein gültiges JSON: ${whereJsonBreaks(text, error)}.`);
  }
}

function readKey(key: string): KeyObject {
  try {
    return /^[^+\s]+\+[0-9a-f]{8}\+/.test(key.trim()) ? parseNoteVerifierKey(key).publicKey : readPublicKey(key);
  } catch (error) {
    throw new UsageError(`Der öffentliche Schlüssel ist nicht lesbar: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const verifyProofCommand: CliCommand = {
  name: 'verify-proof',
  args: ['BEWEISDATEI'],
  summary: 'Einen Inklusions- oder Konsistenzbeweis (GET /api/audit/proof/…) offline gegen veröffentlichte Checkpoints prüfen',
  description: [
    'Inklusionsbeweis: berechnet den Hash des Ereignisses aus seinem Inhalt neu und prüft, dass es im Baum des Checkpoints steht.',
    'Konsistenzbeweis: prüft, dass der neuere Checkpoint den älteren fortsetzt (das Log ist nur gewachsen, nichts wurde umgeschrieben).',
    'Die Checkpoints kommen aus --checkpoint / --old / --new (veröffentlichte Dateien: signiertes JSON oder C2SP-Notiz),',
    'sonst aus der Beweisdatei selbst; ihre Signatur wird immer geprüft. Braucht weder Datenbank noch Netz.',
    'Exit-Code 0, wenn der Beweis gilt; 1, wenn nicht; 2 bei falschem Aufruf.',
  ].join('\n'),
  options: {
    'public-key': {
      type: 'string',
      value: 'SCHLÜSSEL',
      description: 'öffentlicher Ed25519-Schlüssel: PEM-Datei, PEM-Text, Base64 (SPKI-DER) oder der Notiz-Prüfschlüssel NAME+KENNUNG+SCHLÜSSEL',
    },
    checkpoint: { type: 'string', value: 'DATEI', description: 'Inklusionsbeweis: der veröffentlichte Checkpoint, gegen den geprüft wird' },
    old: { type: 'string', value: 'DATEI', description: 'Konsistenzbeweis: der ältere veröffentlichte Checkpoint' },
    new: { type: 'string', value: 'DATEI', description: 'Konsistenzbeweis: der neuere veröffentlichte Checkpoint' },
  },
  async run(ctx) {
    const key = ctx.options['public-key'];
    if (typeof key !== 'string') throw new UsageError('Es fehlt --public-key SCHLÜSSEL.');
    const publicKey = readKey(key);
    const file = ctx.args.BEWEISDATEI!;
    let bundle: InclusionProofBundle | ConsistencyProofBundle;
    try {
      bundle = JSON.parse(await ctx.readInput(file));
    } catch (error) {
      if (error instanceof UsageError) throw error;
      throw new UsageError(`Die Beweisdatei „${file}“ ist kein gültiges JSON.`);
    }
    const option = async (name: string) => (typeof ctx.options[name] === 'string' ? readCheckpoint(ctx, ctx.options[name] as string) : undefined);
    let verdict;
    if (bundle?.format === INCLUSION_PROOF_FORMAT) {
      verdict = verifyInclusionBundle(bundle, publicKey, await option('checkpoint'));
    } else if (bundle?.format === CONSISTENCY_PROOF_FORMAT) {
      verdict = verifyConsistencyBundle(bundle, publicKey, { from: await option('old'), to: await option('new') });
    } else {
      throw new UsageError(`„${file}“ ist weder ein Inklusions- (${INCLUSION_PROOF_FORMAT}) noch ein Konsistenzbeweis (${CONSISTENCY_PROOF_FORMAT}).`);
    }
    ctx.out.result(verdict, (v) => [...v.messages, v.ok ? 'Ergebnis: Der Beweis gilt.' : 'Ergebnis: Der Beweis gilt NICHT.'].join('\n'));
    return verdict.ok ? EXIT.ok : EXIT.refused;
  },
};
