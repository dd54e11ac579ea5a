import type { CalendarFeedView, IssuedCalendarFeed } from '../../calendar/calendar-feeds.service';
import type { CliCommand } from '../command';
import { UsageError } from '../errors';

export const calendarFeedCommand: CliCommand = {
  name: 'calendar-feed',
  args: ['AKTION', 'ID?'],
  summary: 'Kalender-Abonnements: calendar-feed create [--body ID] [--label TEXT] (zeigt die geheime URL einmal) | list | revoke ID',
  description: [
    'Ein Abonnement ist eine geheime URL, die Outlook, Thunderbird oder ein Telefon ohne Anmeldung abruft; sie zeigt die Fristen,',
    'die ihr Benutzer lesen darf (eine Federführung nur ihre Gremien), und gilt, bis sie widerrufen wird.',
    'Es gehört dem Benutzer des Tokens (--token, GREMIENLAUF_TOKEN), auch auf der lokalen Datenbank.',
  ].join('\n'),
  options: {
    body: { type: 'string', value: 'ID', description: 'nur die Fristen dieses Gremiums' },
    label: { type: 'string', value: 'TEXT', description: 'wofür das Abonnement ist, z. B. "Outlook"' },
  },
  async run(ctx) {
    if (typeof ctx.options.token !== 'string' && !ctx.env.GREMIENLAUF_TOKEN) {
      throw new UsageError('Ein Kalender-Abonnement gehört einem Benutzer: bitte mit --token (oder GREMIENLAUF_TOKEN) dessen API-Token angeben (gremienlauf token create NAME).');
    }
    const api = await ctx.api();
    switch (ctx.args.AKTION) {
      case 'create': {
        const input = {
          ...(typeof ctx.options.body === 'string' ? { bodyId: ctx.options.body } : {}),
          ...(typeof ctx.options.label === 'string' ? { label: ctx.options.label } : {}),
        };
        const feed = await api.post<IssuedCalendarFeed>('/api/calendar-feeds', { json: input });
        ctx.out.result(feed, (f) => [f.url, `Abonnement ${f.id} – die URL wird nicht noch einmal angezeigt; wer sie kennt, liest die Fristen.`].join('\n'));
        return;
      }
      case 'list': {
        const feeds = await api.get<CalendarFeedView[]>('/api/calendar-feeds');
        ctx.out.result(feeds, (list) =>
          list.length === 0
            ? 'Keine Kalender-Abonnements.'
            : list.map((f) => `${f.id}  ${f.label ?? '–'}  ${f.bodyId ? `Gremium ${f.bodyId}` : 'alle lesbaren Gremien'}  ${f.revokedAt ? `widerrufen ${f.revokedAt}` : 'aktiv'}`).join('\n'),
        );
        return;
      }
      case 'revoke': {
        if (!ctx.args.ID) throw new UsageError('Es fehlt die ID des Abonnements (calendar-feed list zeigt sie).');
        const feed = await api.request<CalendarFeedView>('DELETE', `/api/calendar-feeds/${encodeURIComponent(ctx.args.ID)}`);
        ctx.out.result(feed, (f) => `Abonnement ${f.id} widerrufen am ${f.revokedAt}.`);
        return;
      }
      default:
        throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION}“; möglich: create, list, revoke.`);
    }
  },
};
