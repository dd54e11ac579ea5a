/**
 * `gremienlauf simulate --from 2024-06-01 --to 2025-04-30`: the scheduler's dry run over a
 * period, printed in order.
 */
import { countOf } from '../../../machines';
import type { CliCommand } from '../command';
import { dateOption } from '../dates';
import { eventName } from '../format';
import type { SimulationEntry, SimulationResult } from '../../simulation/simulation.service';

const KIND: Record<SimulationEntry['kind'], string> = { event: 'Systemereignis', reminder: 'Erinnerung', recorded: 'erfasst' };

/** What a line says of an entry's outcome besides the entry itself (a refusal gives its reason). */
const OUTCOME_NOTES: Partial<Record<SimulationEntry['outcome'], string>> = {
  superseded: '(übersprungen)',
  sent: '(heute bereits verschickt)',
  queued: '(heute bereits geschrieben, wartet im Postausgang)',
  logged: '(heute bereits erfasst)',
};

/** One line per entry: `02.12.2024  Systemereignis  Bericht fällig (reportDue) – Weiterentwicklung …`. */
export function formatSimulation(result: SimulationResult): string {
  const german = (date: string) => date.split('-').reverse().join('.');
  const lineOf = (e: SimulationEntry) =>
    [
      german(e.date),
      KIND[e.kind].padEnd(14),
      e.kind === 'reminder' ? e.what : `${eventName(e.what)} – ${e.bodyTitle}`,
      e.outcome === 'refused' ? `(abgelehnt: ${e.detail ?? ''})` : (OUTCOME_NOTES[e.outcome] ?? ''),
    ]
      .filter(Boolean)
      .join('  ');
  const lines = result.entries.map(lineOf);
  const { systemEvents, reminders, recordedEvents, refused } = result.summary;
  // Not the simulation's: told beside its reminders and system events, never among them.
  const today = (outcome: SimulationEntry['outcome']) => result.entries.filter((e) => e.outcome === outcome).length;
  const loggedToday = today('logged');
  const remindersToday = [
    today('sent') ? `${today('sent')} heute bereits verschickt` : '',
    today('queued') ? `${today('queued')} heute bereits geschrieben, noch nicht verschickt` : '',
  ].filter(Boolean);
  lines.push(
    '',
    `Zeitraum ${german(result.from)} bis ${german(result.to)}: ${[
      `${countOf(systemEvents, 'Systemereignis', 'Systemereignisse')}${loggedToday ? ` (dazu ${loggedToday} heute bereits erfasst)` : ''}`,
      `${countOf(reminders, 'Erinnerung', 'Erinnerungen')}${remindersToday.length ? ` (dazu ${remindersToday.join(', ')})` : ''}`,
      countOf(recordedEvents, 'erfasstes Ereignis', 'erfasste Ereignisse'),
    ].join(', ')}${refused ? `, ${refused} abgelehnt` : ''}.`,
    'Simulation auf einer Kopie der Daten; nichts wurde gespeichert oder versandt.',
  );
  if (result.refusedBefore.length > 0) {
    lines.push('', 'Vor dem Zeitraum konnte die Simulation nicht nachvollziehen (ab da weicht das Gremium in der Simulation vom erfassten ab):', ...result.refusedBefore.map(lineOf));
  }
  return lines.join('\n');
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'Fristenlauf Tag für Tag simulieren (auf einer Kopie der Daten)',
  description:
    'Ab heute beginnt die Simulation beim erfassten Stand (einer Kopie der Daten), für frühere Tage spielt sie die erfassten Ereignisse auf einer Kopie nach; der Fristenlauf läuft an jedem Tag des Zeitraums. Zeigt Systemereignisse und Erinnerungen mit Datum; speichert und versendet nichts.',
  options: {
    from: { type: 'string', value: 'DATUM', description: 'erster Tag (JJJJ-MM-TT)' },
    to: { type: 'string', value: 'DATUM', description: 'letzter Tag (JJJJ-MM-TT)' },
  },
  async run(ctx) {
    const from = dateOption(String(ctx.options.from ?? ''), '--from', false);
    const to = dateOption(String(ctx.options.to ?? ''), '--to', false);
    const api = await ctx.api();
    const result = await api.post<SimulationResult>('/api/simulations', { json: { from, to } });
    ctx.out.result(result, formatSimulation);
  },
};
