import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import { table, toTheSecond } from '../format';

/** A message of the outbox, as GET /api/reminders gives it (the fields the CLI shows). */
interface MessageRow {
  id: string;
  channel: 'email' | 'webhook';
  subject: string;
  status: 'pending' | 'sent' | 'dead' | 'withdrawn';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  withdrawnReason: string | null;
}

const STATUS_LABEL: Record<MessageRow['status'], string> = {
  pending: 'wartet',
  sent: 'versandt',
  dead: 'unzustellbar',
  withdrawn: 'zurückgezogen',
};

const STATUS_OF: Record<string, MessageRow['status']> = {
  wartet: 'pending',
  versandt: 'sent',
  unzustellbar: 'dead',
  zurückgezogen: 'withdrawn',
};

/** `--status`: the German word the table shows, or the API's own. */
function statusOption(value: string): MessageRow['status'] {
  const given = value.trim().toLowerCase();
  const status = STATUS_OF[given] ?? (given in STATUS_LABEL ? (given as MessageRow['status']) : undefined);
  if (!status) throw new UsageError(`„${value}“ ist kein Stand für --status (erwartet wartet, versandt, unzustellbar oder zurückgezogen).`);
  return status;
}

/** The outbox's reminders and other messages: list them, and put a dead one back into the queue. */
export const reminderCommand: CliCommand = {
  name: 'reminder',
  args: ['AKTION', 'ID?'],
  summary: 'Nachrichten im Ausgang: reminder list [--status STAND] [--body ID] | reminder requeue ID (unzustellbare erneut in den Ausgang legen)',
  description: [
    'list: die Nachrichten des Ausgangs (E-Mails und Webhooks) mit Stand, Versuchen und letztem Fehler.',
    'requeue: eine unzustellbare Nachricht (Stand unzustellbar) erneut in den Ausgang legen, nur die Geschäftsstelle, etwa nachdem',
    'die Adresse der Ansprechperson oder der SMTP-Server berichtigt ist. Ihre Versuche beginnen von vorn; wer sie schon erhalten',
    'hat, erhält sie nicht noch einmal; eine Erinnerung, die nicht mehr zutrifft, wird vor dem Versuch zurückgezogen.',
    'Eine zurückgezogene, wartende oder versandte Nachricht lässt sich nicht erneut in den Ausgang legen. Beispiele:',
    '  gremienlauf reminder list --status unzustellbar',
    '  gremienlauf reminder requeue 0193a0c4-…',
  ].join('\n'),
  options: {
    status: { type: 'string', value: 'STAND', description: 'list: nur Nachrichten in diesem Stand (wartet, versandt, unzustellbar, zurückgezogen)' },
    body: { type: 'string', value: 'ID', description: 'list: nur die Nachrichten dieses Gremiums' },
  },
  async run(ctx) {
    switch (ctx.args.AKTION) {
      case 'list': {
        const status = typeof ctx.options.status === 'string' ? statusOption(ctx.options.status) : undefined;
        const api = await ctx.api();
        const { messages } = await api.get<{ messages: MessageRow[] }>('/api/reminders', { status, body: ctx.options.body as string | undefined });
        ctx.out.result(messages, (list) =>
          list.length === 0
            ? 'Keine Nachrichten.'
            : table(list, [
                { header: 'Stand', value: (m) => STATUS_LABEL[m.status] },
                { header: 'Kanal', value: (m) => (m.channel === 'email' ? 'E-Mail' : 'Webhook') },
                { header: 'Betreff', value: (m) => m.subject, max: 60 },
                { header: 'Versuche', value: (m) => String(m.attempts) },
                { header: 'letzter Fehler', value: (m) => m.withdrawnReason ?? m.lastError ?? '', max: 80 },
                { header: 'ID', value: (m) => m.id },
              ]),
        );
        return;
      }
      case 'requeue': {
        if (!ctx.args.ID) throw new UsageError('Es fehlt die ID der Nachricht, z. B. reminder requeue 0193a0c4-… (reminder list --status unzustellbar nennt sie).');
        const api = await ctx.api();
        const message = await api.post<MessageRow>(`/api/reminders/${encodeURIComponent(ctx.args.ID)}/requeue`);
        ctx.out.result(message, (m) => `Nachricht ${m.id} („${m.subject}“) wieder im Ausgang: nächster Versuch ab ${toTheSecond(m.nextAttemptAt)}.`);
        return;
      }
      default:
        throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION ?? ''}“: list oder requeue.`);
    }
  },
};
