import { eventLabel } from '../../../machines';
import type { CliCommand } from '../command';
import { dateOption, positiveInteger } from '../dates';
import { UsageError } from '../errors';
import { allowedEventsText, day } from '../format';
import { jsonOption } from '../json-option';

interface SendResult {
  id: string;
  version: number;
  state: { label: string };
  allowedEvents: string[];
  event: { type: string; occurredAt: string; decision: { number: string } | null };
}

export const sendCommand: CliCommand = {
  name: 'send',
  args: ['ID', 'EREIGNIS'],
  summary: 'Ein Ereignis senden (Übergang im Lebenslauf), z. B. submitted, approved, started',
  description: [
    'Beispiele:',
    '  gremienlauf send ID submitted',
    '  gremienlauf send ID approved --decision 2024/09-AL --data \'{"approvedUntil":"2025-03-31"}\'',
    '  gremienlauf send ID started --date 17.06.2024',
    'Ereignisse, die den Status der Einrichtung ändern, nennen einen erfassten Beschluss (--decision).',
  ].join('\n'),
  options: {
    decision: { type: 'string', value: 'NUMMER', description: 'Nummer eines erfassten Beschlusses, z. B. 2024/09-AL' },
    date: { type: 'string', value: 'DATUM', description: 'fachliches Datum (sonst das des Beschlusses; heute ohne Beschluss oder wenn nach ihm schon ein Ereignis verbucht ist)' },
    data: { type: 'string', value: 'JSON', description: 'Daten des Ereignisses als JSON-Objekt' },
    'expected-version': { type: 'string', value: 'N', description: 'nur, wenn das Gremium noch auf dieser Version steht' },
  },
  async run(ctx) {
    const data = typeof ctx.options.data === 'string' ? jsonOption(ctx.options.data, '--data') : undefined;
    const command = {
      type: ctx.args.EREIGNIS,
      ...(data !== undefined ? { data } : {}),
      ...(typeof ctx.options.date === 'string' ? { occurredAt: dateOption(ctx.options.date, '--date') } : {}),
      ...(typeof ctx.options.decision === 'string' ? { decision: ctx.options.decision } : {}),
      ...(typeof ctx.options['expected-version'] === 'string'
        ? { expectedVersion: positiveInteger(ctx.options['expected-version'], '--expected-version') }
        : {}),
    };
    const api = await ctx.api();
    const result = await api.post<SendResult>(`/api/bodies/${encodeURIComponent(ctx.args.ID!)}/events`, { json: command });
    ctx.out.result(result, (r) => {
      const label = eventLabel(r.event.type);
      return [
        `„${label}“ (${r.event.type}) aufgenommen am ${day(r.event.occurredAt)}${r.event.decision ? ` mit Beschluss ${r.event.decision.number}` : ''} – Version ${r.version}.`,
        `Zustand: ${r.state.label}`,
        `Zulässige Ereignisse: ${allowedEventsText(r.allowedEvents)}`,
      ].join('\n');
    });
  },
};
