import { countOf } from '../../../machines';
import { actorLabel } from '../../auth/roles';
import type { Actor } from '../../event-log/event-hash';
import { otherVerdictTexts } from '../../web/chain-verdict';
import type { CliCommand } from '../command';
import { EXIT } from '../errors';
import { day, fields, table, toTheSecond } from '../format';

interface ReplayStepView {
  version: number;
  type: string;
  label: string;
  actor: Actor;
  decision: { number: string } | null;
  occurredAt: string;
  recordedAt: string;
  machine: { id: string; version: number };
  hash: string;
  allowed: boolean;
  refusal: string | null;
  stateLabelAfter: string;
}

/**
 * `GET /api/bodies/ID/replay`. A verdict other than these two (the service may add one) is shown
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
};

export const replayCommand: CliCommand = {
  name: 'replay',
  args: ['ID'],
  summary: 'Alle Ereignisse eines Gremiums mit der aufgezeichneten Automatenversion wiederholen und mit dem gespeicherten Stand vergleichen',
  description: [
    'GET /api/bodies/ID/replay: jedes Ereignis wird darauf geprüft, ob der Zustandsautomat in der Version, unter der es erfasst wurde,',
    'es an seiner Stelle zulässt; das Ergebnis wird mit dem gespeicherten Stand verglichen. Weicht es ab, steht die erste Abweichung da.',
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

function verdictText(replay: ReplayView): string {
  if (replay.verdict === 'matches') {
    return `Ergebnis: Stimmt überein. Die Wiederholung ${replay.events === 1 ? 'des Ereignisses' : `aller ${countOf(replay.events, 'Ereignis', 'Ereignisse')}`} mit der aufgezeichneten Automatenversion ergibt den gespeicherten Stand „${replay.stateLabel}“.`;
  }
  // Where: the first divergence, as any verdict but „matches“ may name it.
  const d = replay.divergence;
  const where = d
    ? fields([
        ['Abweichung', d.version > 0 ? `Version ${d.version}${d.label ? ` (${d.label}${d.type ? `, ${d.type}` : ''})` : ''}` : null],
        ['Stelle', d.path],
      ])
    : '';
  const result =
    replay.verdict === 'diverges' && d
      ? [`Ergebnis: Weicht ab. ${d.message}`]
      : [`Ergebnis: Stimmt nicht überein (Befund „${replay.verdict}“).`, ...otherVerdictTexts(replay)];
  return [where, ...result].filter(Boolean).join('\n');
}
