import { createReadStream, existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { KeyObject } from 'node:crypto';
import { countOf, germanNumber } from '../../../machines';
import type { StreamKind } from '../../audit/audit.service';
import { AUDIT_LOG_STREAM } from '../../audit/audit-log';
import { CONTACT_STREAM_PREFIX, isContactStream } from '../../audit/contact-log';
import { decisionStreamName, isDecisionStream } from '../../decisions/register';
import { formatReport, verifyExport, type ExportSource } from '../../audit/offline-verifier';
import type { SignedCheckpoint } from '../../audit/checkpoint';
import { PublicKeyUnreadable, PublishedCheckpointsUnreadable, readPublicKey, readPublished } from '../../audit/verify-cli';
import { intactChainsText } from '../../web/chain-verdict';
import type { CliCommand, CommandContext } from '../command';
import { EXIT, UsageError } from '../errors';
import { date, fields, table, toTheSecond } from '../format';

/** `GET /api/audit/verify`, as the command reads it. */
export interface ServiceVerification {
  scope: string;
  /** With --body: the body's current title (absent from a service before it named it). */
  title?: string | null;
  intact: boolean;
  checkedAt: string;
  events: number;
  streams: Array<{ stream: string; events: number; kind: StreamKind; intact: boolean }>;
  /** `title`: the current title of the body whose chain `stream` is (absent from a service before it named it). */
  /** `missing`: for a gap, the versions missing (absent from a service before it named them). */
  problems: Array<{ area: string; kind: string; stream: string | null; title?: string | null; version: number | null; message: string; missing?: { from: number; to: number } }>;
  /** What the check could not establish without anything being changed; not counted against `intact`. */
  notes?: Array<{ message: string }>;
  checkpoints: { count: number; last: { sequence: number; createdAt: string; treeSize: number } | null; uncoveredEvents: number };
}

export const verifyCommand: CliCommand = {
  name: 'verify',
  args: ['DATEI?'],
  summary: 'Ohne DATEI: das Log vom Dienst prüfen lassen (GET /api/audit/verify); mit DATEI: einen Prüfexport offline prüfen',
  description: [
    'Ohne DATEI prüft der Dienst seine Datenbank (lokal oder mit --url den Server): Hashes und Ketten aller Gremien, des Beschlussregisters,',
    'der Ansprechpersonen und des Audit-Protokolls, die gespeicherten Stände und die Checkpoint-Signaturen; --body ID prüft ein Gremium.',
    'Dem Dienst muss man dafür trauen; wer das nicht will, prüft einen Export offline:',
    'Mit DATEI (gremienlauf export, GET /api/audit/export; „-“ liest von stdin) braucht die Prüfung weder Datenbank noch Netz, nur',
    'den öffentlichen Schlüssel, der aus einer vertrauenswürdigen Quelle stammen muss, nicht aus dem Export selbst: Hashes, Ketten,',
    'Checkpoint-Signaturen, Wiederholung jedes Gremiums, mit --published auch die veröffentlichten Checkpoints.',
    'Wurde der Signaturschlüssel für verloren erklärt (GREMIENLAUF_SIGNING_KEY_LOST), nennt der erste --public-key den aktuellen Schlüssel,',
    'jeder weitere einen früheren: die Checkpoints vor dem ersten des aktuellen Schlüssels werden dann mit ihm geprüft; ohne ihn werden',
    'ihre Angaben mit dem Log verglichen und ein Hinweis sagt, dass ihre Signatur nicht prüfbar ist.',
    'Exit-Code 0 nur, wenn alle Prüfungen bestehen; 1, wenn eine fehlschlägt; 2 bei falschem Aufruf.',
  ].join('\n'),
  options: {
    'public-key': {
      type: 'string',
      multiple: true,
      value: 'SCHLÜSSEL',
      description:
        'mit DATEI: öffentlicher Ed25519-Schlüssel: PEM-Datei, PEM-Text, Base64 (SPKI-DER) oder eine Datei mit der Antwort von GET /api/audit/public-key (JSON); mehrfach: der erste der aktuelle, jeder weitere ein früherer',
    },
    published: {
      type: 'string',
      value: 'CHECKPOINTS',
      description: 'mit DATEI: veröffentlichte Checkpoints (JSON wie GET /api/audit/checkpoints): müssen unverändert im Export stehen und noch gelten',
    },
    body: { type: 'string', value: 'ID', description: 'ohne DATEI: nur dieses Gremium prüfen' },
  },
  async run(ctx) {
    const file = ctx.args.DATEI;
    if (file === undefined) return verifyService(ctx);
    if (typeof ctx.options.body === 'string') {
      throw new UsageError('--body gilt für die Prüfung durch den Dienst (ohne DATEI); ein Export wird immer ganz geprüft.');
    }
    return verifyFile(ctx, file);
  },
};

async function verifyService(ctx: CommandContext): Promise<number> {
  const fileOnly = ['public-key', 'published'].filter((name) => ctx.options[name] !== undefined);
  if (fileOnly.length > 0) {
    throw new UsageError(`${fileOnly.map((name) => `--${name}`).join(' und ')} gilt für einen Prüfexport: es fehlt DATEI (gremienlauf verify DATEI --public-key SCHLÜSSEL).`);
  }
  const body = typeof ctx.options.body === 'string' ? ctx.options.body : undefined;
  const api = await ctx.api();
  const answer = await api.get<ServiceVerification>('/api/audit/verify', { body });
  ctx.out.result(answer, (v) => renderVerification(v, api.target));
  return answer.intact ? EXIT.ok : EXIT.refused;
}

/** The service's verdict for people: what was checked, the problems, the result. */
export function renderVerification(v: ServiceVerification, target: string): string {
  const broken = v.streams.filter((s) => !s.intact).length;
  const last = v.checkpoints.last;
  const parts = [
    fields([
      ['Geprüft', v.scope === 'all' ? 'alle Ketten' : v.title ? `Gremium „${v.title}“ (${v.scope})` : `Gremium ${v.scope}`],
      ['Von', /^https?:/.test(target) ? `Server ${target}` : target],
      ['Am', toTheSecond(v.checkedAt)],
      ['Ketten', `${countOf(v.streams.length, 'Kette', 'Ketten')} mit ${countOf(v.events, 'Ereignis', 'Ereignissen')}${broken > 0 ? `, davon ${germanNumber(broken)} gebrochen` : ''}`],
      [
        'Checkpoints',
        last
          ? `${germanNumber(v.checkpoints.count)}, der letzte gültig signierte Nr. ${last.sequence} vom ${date(last.createdAt)} über ${countOf(last.treeSize, 'Eintrag', 'Einträge')}`
          : v.checkpoints.count > 0
            ? `${germanNumber(v.checkpoints.count)}, keiner davon gültig signiert: ein vollständig neu berechnetes Log wäre nicht zu erkennen`
            : 'keine: ein vollständig neu berechnetes Log wäre nicht zu erkennen',
      ],
      ['Ohne Checkpoint', uncoveredText(v.checkpoints.uncoveredEvents, last !== null)],
    ]),
  ];
  if (v.problems.length > 0) {
    parts.push(
      `Probleme:\n${table(v.problems, [
        { header: 'Kette', value: (p) => (p.stream ? streamLabel(p.stream, p.title ?? null, v) : '–') },
        { header: 'Version', value: (p) => (p.missing && p.missing.to > p.missing.from ? `${p.missing.from}–${p.missing.to}` : p.version === null ? '–' : String(p.version)) },
        { header: 'Befund', value: (p) => p.message },
      ])}`,
    );
  }
  if (v.notes && v.notes.length > 0) parts.push(v.notes.map((note) => `Hinweis: ${note.message}`).join('\n'));
  parts.push(
    v.intact
      ? `Ergebnis: Intakt. ${intactChainsText(v.streams)} Die gespeicherten Stände stimmen mit den Ketten überein.`
      : `Ergebnis: NICHT intakt (${countOf(v.problems.length, 'Problem', 'Probleme')}).`,
  );
  return parts.join('\n\n');
}

/** The entries no checkpoint covers yet: those after the last one, or every entry while there is none; null for none. */
function uncoveredText(uncovered: number, anyCheckpoint: boolean): string | null {
  if (uncovered === 0) return null;
  if (anyCheckpoint) return `${countOf(uncovered, 'Eintrag ist', 'Einträge sind')} jünger als der letzte Checkpoint`;
  return `${uncovered === 1 ? 'der einzige Eintrag' : `alle ${germanNumber(uncovered)} Einträge`}, da es noch keinen Checkpoint gibt`;
}

/**
 * A body's chain by its title and the start of its id (`Gremium „Projektgruppe X“ (0e59a1b2…)`; the
 * finding names the whole id), without a stored state by its id; a decision's as the register names
 * it (`Beschluss 2024/09-AL (AL-Runde)`); a contact person's corrections by the start of its id; the
 * audit log by its name; any other chain as the log names it.
 */
function streamLabel(stream: string, title: string | null, v: ServiceVerification): string {
  if (isDecisionStream(stream)) return decisionStreamName(stream);
  if (stream === AUDIT_LOG_STREAM) return 'Audit-Protokoll';
  if (isContactStream(stream)) return `Ansprechperson ${stream.slice(CONTACT_STREAM_PREFIX.length, CONTACT_STREAM_PREFIX.length + 8)}…`;
  if (title !== null) return `Gremium „${title}“ (${stream.slice(0, 8)}…)`;
  return v.streams.find((s) => s.stream === stream)?.kind === 'body' ? `Gremium ${stream}` : stream;
}

async function verifyFile(ctx: CommandContext, file: string): Promise<number> {
  const given = ctx.options['public-key'];
  const keys = Array.isArray(given) ? given : typeof given === 'string' ? [given] : [];
  if (keys.length === 0) throw new UsageError('Es fehlt --public-key SCHLÜSSEL.');
  // The first is the current key; each further one an earlier key, declared lost and replaced.
  const [publicKey, ...earlierKeys] = keys.map(publicKeyOption);

  // Undefined without --published: the report then says that no published checkpoint was compared.
  let published: SignedCheckpoint[] | undefined;
  if (typeof ctx.options.published === 'string') {
    try {
      published = readPublished(ctx.options.published);
    } catch (error) {
      if (error instanceof PublishedCheckpointsUnreadable) throw new UsageError(error.message);
      throw error;
    }
  }

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
  const report = await verifyExport(lines, publicKey, { published, earlierKeys });
  ctx.out.result(report, (r) => formatReport(r).join('\n'));
  return report.ok ? EXIT.ok : EXIT.refused;
}

/** One `--public-key`: a file or the key itself (PEM or base64 SPKI), Ed25519. */
function publicKeyOption(key: string): KeyObject {
  let publicKey: KeyObject;
  try {
    publicKey = readPublicKey(key);
  } catch (error) {
    if (error instanceof PublicKeyUnreadable) throw new UsageError(`Der öffentliche Schlüssel ist nicht lesbar: ${error.message}`);
    // The option takes a file or the key itself: which of them was meant, the message cannot know, so it names both.
    throw new UsageError(
      existsSync(key)
        ? `Der öffentliche Schlüssel ist nicht lesbar: die Datei „${key}“ enthält keinen Schlüssel als PEM-Text, Base64 oder JSON von GET /api/audit/public-key.`
        : `Der öffentliche Schlüssel ist nicht lesbar: „${key}“ ist weder eine Datei, die es gibt, noch ein Schlüssel als PEM-Text oder Base64.`,
    );
  }
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new UsageError(`Erwartet einen Ed25519-Schlüssel, nicht ${publicKey.asymmetricKeyType}.`);
  return publicKey;
}
