import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import { date } from '../format';

interface CorrectionResult {
  contact: { id: string; name: string | null; organization: string | null; email: string | null; phone: string | null };
  changed: string[];
  contactLog: { stream: string; version: number; hash: string };
}

interface ContactHistory {
  contactId: string;
  events: Array<{ version: number; occurredAt: string; actor: { id: string }; summary: string; hash: string }>;
}

interface ErasureResult {
  contactId: string;
  erasedAt: string;
  reason: string;
  bodyIds: string[];
  auditLog: { stream: string; version: number; hash: string };
}

const FIELDS = { name: 'name', organization: 'organization', email: 'email', phone: 'phone' } as const;

/** A contact person: correct it (an audited event on its own chain), show its corrections, or erase it (DSGVO). */
export const contactCommand: CliCommand = {
  name: 'contact',
  args: ['AKTION', 'ID'],
  summary: 'Eine Ansprechperson berichtigen, ihre Berichtigungen zeigen oder ihre Daten löschen (DSGVO): contact correct|history|erase ID',
  description: [
    'Die ID steht in „gremienlauf show GREMIUM“ unter Ansprechpersonen. Ein leerer Wert ("") entfernt Organisation, E-Mail oder Telefon.',
    'Beispiele:',
    '  gremienlauf contact correct 3f0c… --email erika.muster@example.de --phone "0611 123" --reason "neue Dienstadresse"',
    '  gremienlauf contact history 3f0c…',
    '  gremienlauf contact erase 3f0c… --reason "Antrag auf Löschung vom 01.12.2026 (Art. 17 DSGVO)"',
    'erase löscht Name, Organisation, E-Mail und Telefon endgültig; das Audit-Protokoll hält die Löschung mit Begründung fest,',
    'die Ereignisse der Gremien (die nur die ID nennen) bleiben unverändert und prüfbar.',
  ].join('\n'),
  options: {
    name: { type: 'string', value: 'NAME', description: 'correct: neuer Name' },
    organization: { type: 'string', value: 'TEXT', description: 'correct: neue Organisation' },
    email: { type: 'string', value: 'ADRESSE', description: 'correct: neue E-Mail-Adresse' },
    phone: { type: 'string', value: 'NUMMER', description: 'correct: neue Telefonnummer' },
    reason: { type: 'string', value: 'TEXT', description: 'correct: Anlass (wird mit aufgezeichnet); erase: Begründung (Pflicht)' },
  },
  async run(ctx) {
    const path = `/api/contacts/${encodeURIComponent(ctx.args.ID!)}`;
    const api = await ctx.api();
    switch (ctx.args.AKTION) {
      case 'correct': {
        const input: Record<string, string> = {};
        for (const [option, field] of Object.entries(FIELDS)) {
          const value = ctx.options[option];
          if (typeof value === 'string') input[field] = value;
        }
        if (Object.keys(input).length === 0) throw new UsageError('Nichts zu berichtigen: nennen Sie --name, --organization, --email oder --phone.');
        if (typeof ctx.options.reason === 'string') input.reason = ctx.options.reason;
        const result = await api.request<CorrectionResult>('PATCH', path, { json: input });
        ctx.out.result(result, (r) =>
          [
            `Ansprechperson ${r.contact.id} berichtigt (${r.changed.join(', ')}); Kette ${r.contactLog.stream}, Version ${r.contactLog.version}.`,
            `${r.contact.name ?? '?'}${r.contact.organization ? ` (${r.contact.organization})` : ''}${r.contact.email ? ` · ${r.contact.email}` : ''}${r.contact.phone ? ` · ${r.contact.phone}` : ''}`,
          ].join('\n'),
        );
        return;
      }
      case 'history': {
        const history = await api.get<ContactHistory>(`${path}/history`);
        ctx.out.result(history, (h) =>
          h.events.length === 0
            ? `Ansprechperson ${h.contactId}: noch keine Berichtigung.`
            : h.events.map((e) => `${e.version}  ${date(e.occurredAt)}  ${e.actor.id}  ${e.summary}`).join('\n'),
        );
        return;
      }
      case 'erase': {
        if (typeof ctx.options.reason !== 'string') throw new UsageError('Eine Löschung braucht eine Begründung: --reason TEXT.');
        const result = await api.post<ErasureResult>(`${path}/erasure`, { json: { reason: ctx.options.reason } });
        ctx.out.result(result, (r) =>
          `Personenbezogene Daten der Ansprechperson ${r.contactId} gelöscht (${r.bodyIds.length === 1 ? '1 Gremium nennt sie' : `${r.bodyIds.length} Gremien nennen sie`}); Audit-Protokoll Version ${r.auditLog.version}.`,
        );
        return;
      }
      default:
        throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION}“; möglich: correct, history, erase.`);
    }
  },
};
