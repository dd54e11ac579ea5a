import { USER_ROLES } from '../../auth/roles';
import type { UserView } from '../../auth/auth.service';
import type { CliCommand, CommandContext } from '../command';
import { UsageError } from '../errors';
import { onLocalDatabase, remote } from './user-local';

export const userCommand: CliCommand = {
  name: 'user',
  args: ['AKTION', 'BENUTZER'],
  summary: 'Benutzer anlegen: user create BENUTZER --role ROLLE [--contact ID] [--password-stdin]',
  description: [
    `Rollen: ${USER_ROLES.join(', ')}. Eine Federführung (lead) braucht --contact: die Ansprechperson, über die sie ihre Gremien führt.`,
    'Ohne --url direkt auf der lokalen Datenbank (so entsteht der erste admin); mit --url über die API mit dem Token eines admin.',
    'Beispiele:',
    '  gremienlauf user create admin --role admin',
    '  printf "%s" "$PASSWORT" | gremienlauf user create m.muster --role lead --contact 3f0c… --password-stdin',
  ].join('\n'),
  options: {
    role: { type: 'string', value: 'ROLLE', description: USER_ROLES.join(' | ') },
    contact: { type: 'string', value: 'ID', description: 'für lead: die Ansprechperson (contacts), die den Benutzer mit seinen Gremien verbindet' },
    'password-stdin': { type: 'boolean', description: 'Passwort (für die Weboberfläche) von der Standardeingabe lesen' },
  },
  async run(ctx) {
    if (ctx.args.AKTION !== 'create') throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION}“; möglich: create.`);
    if (typeof ctx.options.role !== 'string') throw new UsageError('Es fehlt --role ROLLE.');
    const password = ctx.options['password-stdin'] === true ? (await ctx.readInput('-')).replace(/\r?\n$/, '') : undefined;
    const input = {
      username: ctx.args.BENUTZER,
      role: ctx.options.role,
      ...(typeof ctx.options.contact === 'string' ? { contactId: ctx.options.contact } : {}),
      ...(password !== undefined ? { password } : {}),
    };
    const user = await createUser(ctx, input);
    ctx.out.result(user, (u) => `Benutzer ${u.username} (${u.role}) angelegt${u.hasPassword ? ', mit Passwort' : ''}. Ein Token: gremienlauf token create ${u.username}`);
  },
};

async function createUser(ctx: CommandContext, input: Record<string, unknown>): Promise<UserView> {
  if (remote(ctx)) return (await ctx.api()).post<UserView>('/api/users', { json: input });
  return onLocalDatabase(ctx, (auth, by) => auth.createUser(input, by));
}
