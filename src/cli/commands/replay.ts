import { countOf } from '../../../machines';
import { actorLabel } from '../../auth/roles';
import type { ReplayStep } from '../../audit/replay';
import { otherVerdictTexts } from '../../web/chain-verdict';
import type { CliCommand } from '../command';
import { EXIT } from '../errors';
import { day, fields, table, toTheSecond } from '../format';

/** A step as the replay route answers it (its decision's number is all the table shows). */
type ReplayStepView = Pick<ReplayStep, 'version' | 'type' | 'label' | 'actor' | 'occurredAt' | 'recordedAt' | 'machine' | 'hash' | 'allowed' | 'refusal' | 'stateLabelAfter'> & {
  decision: { number: string } | null;
};

/**
 * `GET /api/bodies/ID/replay`: `matches`, `diverges` or `tampered` (an event is not what was
 * recorded: stream-integrity.ts). A verdict other than these (the service may add one) is shown
 * by the German texts it carries (`otherVerdictTexts`).
 */
export type ReplayView = {
  bodyId: string;
  verdict: string;
  events: number;
  steps: ReplayStepView[];
  erasures: Array<{ auditLogVersion: number; occurredAt: string; contactId: string; reason: string }>;
  stateLabel?: string;
  divergence?: { version: number; type: string | null; label: string | null; path: string; message: string };
  /** The events that fail their hash or chain check (`tampered`), in version order. */
  tampered?: Array<{ version: number; message: string }>;
};

export const replayCommand: CliCommand = {
  name: 'replay',
  args: ['ID'],
  summary: 'Alle Ereignisse eines Gremiums mit der aufgezeichneten Automatenversion wiederholen und mit dem gespeicherten Stand vergleichen',
  description: [
    'GET /api/bodies/ID/replay: zuerst wird jedes Ereignis gegen seinen gespeicherten Hash und seinen Vorgänger geprüft; ist eines',
    'nach der Aufzeichnung verändert worden, lautet das Ergebnis „Verändert“ mit der Version, und nichts wird verglichen. Sonst wird',
    'jedes Ereignis darauf geprüft, ob der Zustandsautomat in der Version, unter der es erfasst wurde, es an seiner Stelle zulässt;',
    'das Ergebnis wird mit dem gespeicherten Stand verglichen. Weicht es ab, steht die erste Abweichung da.',
    'Exit-Code 0, wenn die Wiederholung den gespeicherten Stand ergibt; 1, wenn nicht.',
  ].join('\n'),
  async run(ctx) {
    const api = await ctx.api();
    const answer = await api.get<ReplayView>(`/api/bodies/${encodeURIComponent(ctx.args.ID!)}/replay`);
    ctx.out.result(answer, renderReplay);
    return answer.verdict === 'matches' ? EXIT.ok : EXIT.refused;
  },
};

export function renderReplay(replay: ReplayView): string {
  const parts = [
    table(replay.steps, [
      { header: 'Version', value: (s) => String(s.version) },
      { header: 'Datum', value: (s) => day(s.occurredAt) },
      { header: 'Ereignis', value: (s) => `${s.label} (${s.type})` },
      { header: 'Beschluss', value: (s) => s.decision?.number ?? '' },
      { header: 'Akteur', value: (s) => actorLabel(s.actor) },
      { header: 'Automat', value: (s) => `${s.machine.id} v${s.machine.version}` },
      { header: 'Zulässig', value: (s) => (s.allowed ? 'ja' : `nein: ${s.refusal ?? ''}`), max: 60 },
      { header: 'Zustand danach', value: (s) => s.stateLabelAfter, max: 50 },
      { header: 'erfasst', value: (s) => toTheSecond(s.recordedAt) },
      { header: 'Hash', value: (s) => s.hash.slice(0, 12) },
    ]),
  ];
  if (replay.erasures.length > 0) {
    parts.push(
      `Gelöschte personenbezogene Daten (DSGVO Art. 17; die Ereignisse nennen nur die ID):\n${table(replay.erasures, [
        { header: 'Gelöscht', value: (e) => toTheSecond(e.occurredAt) },
        { header: 'Ansprechperson', value: (e) => e.contactId },
        { header: 'Begründung', value: (e) => e.reason, max: 80 },
        { header: 'Audit-Protokoll', value: (e) => `Version ${e.auditLogVersion}` },
      ])}`,
    );
  }
  parts.push(verdictText(replay));
  return parts.join('\n\n');
}

/**
 * The event a verdict names, its label quoted so that a label's own brackets nest in none:
 * `Version 3 „Eingerichtet (Beschluss)“ (approved)`.
 */
function eventPlace(d: { version: number; label?: string | null; type?: string | null }): string {
  if (!d.label) return `Version ${d.version}`;
  return `Version ${d.version} „${d.label}“${d.type ? ` (${d.type})` : ''}`;
}

function verdictText(replay: ReplayView): string {
  if (replay.verdict === 'matches') {
    return `Ergebnis: Stimmt überein. Die Wiederholung ${replay.events === 1 ? 'des Ereignisses' : `aller ${countOf(replay.events, 'Ereignis', 'Ereignisse')}`} mit der aufgezeichneten Automatenversion ergibt den gespeicherten Stand „${replay.stateLabel}“.`;
  }
  // Where: the first divergence (for „tampered“ the first event that is not what was recorded), as any verdict but „matches“ may name it.
  const d = replay.divergence;
  const where = d
    ? fields([
        [replay.verdict === 'tampered' ? 'Ereignis' : 'Abweichung', d.version > 0 ? eventPlace(d) : null],
        ['Stelle', d.path],
      ])
    : '';
  return [where, ...resultLines(replay)].filter(Boolean).join('\n');
}

function resultLines(replay: ReplayView): string[] {
  const d = replay.divergence;
  if (replay.verdict === 'diverges' && d) return [`Ergebnis: Weicht ab. ${d.message}`];
  if (replay.verdict === 'tampered' && d) {
    // The message names the first; with more than one, each is listed.
    const tampered = replay.tampered ?? [];
    return [`Ergebnis: Verändert: ${d.message}`, ...(tampered.length > 1 ? tampered.map((t) => `- ${t.message}`) : [])];
  }
  return [`Ergebnis: Stimmt nicht überein (Befund „${replay.verdict}“).`, ...otherVerdictTexts(replay)];
}
