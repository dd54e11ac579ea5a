import type { IssuedToken, TokenView } from '../../auth/auth.service';
import type { CliCommand } from '../command';
import { UsageError } from '../errors';
import { onLocalDatabase, throughApi } from './user-local';

export const tokenCommand: CliCommand = {
  name: 'token',
  args: ['AKTION', 'ZIEL'],
  summary: 'API-Token: token create BENUTZER [--label TEXT] (zeigt das Token einmal) | token revoke TOKEN-ID',
  description: [
    'Das Token wird nur bei create gezeigt und nur als Hash gespeichert; es gilt als Bearer-Token (--token, GREMIENLAUF_TOKEN).',
    'Ohne --url und ohne --token direkt auf der lokalen Datenbank; mit --token als dessen Benutzer (ein admin), mit --url über die API.',
  ].join('\n'),
  options: {
    label: { type: 'string', value: 'TEXT', description: 'wofür das Token ist, z. B. "CI" oder "Laptop Geschäftsstelle"' },
  },
  async run(ctx) {
    const target = ctx.args.ZIEL!;
    if (ctx.args.AKTION === 'create') {
      const input = typeof ctx.options.label === 'string' ? { label: ctx.options.label } : {};
      const issued = throughApi(ctx)
        ? await (await ctx.api()).post<IssuedToken>(`/api/users/${encodeURIComponent(target)}/tokens`, { json: input })
        : await onLocalDatabase(ctx, (auth, by) => auth.createToken(target, input, by));
      ctx.out.result(issued, (t) => [t.token, `Token ${t.id} für ${t.username} – wird nicht noch einmal angezeigt.`].join('\n'));
      return;
    }
    if (ctx.args.AKTION === 'revoke') {
      const revoked = throughApi(ctx)
        ? await (await ctx.api()).request<TokenView>('DELETE', `/api/tokens/${encodeURIComponent(target)}`)
        : await onLocalDatabase(ctx, (auth, by) => auth.revokeToken(target, by));
      ctx.out.result(revoked, (t) => `Token ${t.id} (${t.username}) widerrufen am ${t.revokedAt}.`);
      return;
    }
    throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION}“; möglich: create, revoke.`);
  },
};
