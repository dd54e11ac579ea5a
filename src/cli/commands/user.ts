import { ROLE_LABELS, USER_ROLES } from '../../auth/roles';
import type { UserView } from '../../auth/auth.service';
import type { CliCommand, CommandContext } from '../command';
import { UsageError } from '../errors';
import { onLocalDatabase, throughApi } from './user-local';

export const userCommand: CliCommand = {
  name: 'user',
  args: ['AKTION', 'BENUTZER'],
  summary: 'Benutzer anlegen: user create BENUTZER --role ROLLE [--contact ID | --body GREMIUM --contact NAME] [--password-stdin]',
  description: [
    `Rollen: ${USER_ROLES.join(', ')}. Eine Federführung (lead) braucht --contact: die Ansprechperson, über die sie ihre Gremien führt —`,
    'ihre ID (in „gremienlauf show GREMIUM“ unter Ansprechpersonen) oder mit --body GREMIUM (Titel, Kurzbezeichnung oder ID) ihren Namen.',
    'Ohne --url und ohne --token direkt auf der lokalen Datenbank (so entsteht der erste admin); mit --token als dessen Benutzer (ein admin), mit --url über die API.',
    'Beispiele:',
    '  gremienlauf user create admin --role admin',
    '  printf "%s" "$PASSWORT" | gremienlauf user create m.muster --role lead --contact 3f0c… --password-stdin',
    '  gremienlauf user create e.muster --role lead --body "PG Foo" --contact "Erika Muster"',
  ].join('\n'),
  options: {
    role: { type: 'string', value: 'ROLLE', description: USER_ROLES.join(' | ') },
    contact: { type: 'string', value: 'ID|NAME', description: 'für lead: die Ansprechperson, die den Benutzer mit seinen Gremien verbindet (mit --body: ihr Name)' },
    body: { type: 'string', value: 'GREMIUM', description: 'mit --contact NAME: das Gremium, das die Ansprechperson nennt (Titel, Kurzbezeichnung oder ID)' },
    'password-stdin': { type: 'boolean', description: 'Passwort (für die Weboberfläche) von der Standardeingabe lesen' },
  },
  async run(ctx) {
    if (ctx.args.AKTION !== 'create') throw new UsageError(`Unbekannte Aktion „${ctx.args.AKTION}“; möglich: create.`);
    if (typeof ctx.options.role !== 'string') throw new UsageError('Es fehlt --role ROLLE.');
    const password = ctx.options['password-stdin'] === true ? (await ctx.readInput('-')).replace(/\r?\n$/, '') : undefined;
    const input = {
      username: ctx.args.BENUTZER,
      role: ctx.options.role,
      ...contactOf(ctx.options.contact, ctx.options.body),
      ...(password !== undefined ? { password } : {}),
    };
    const user = await createUser(ctx, input);
    ctx.out.result(user, userCreatedText);
  },
};

/**
 * What `user create` says it did, in the register's words: `Benutzer gs2 (Geschäftsstelle) mit
 * Passwort angelegt. Zugangstoken für API und Kommandozeile: gremienlauf token create gs2`.
 */
export function userCreatedText(user: Pick<UserView, 'username' | 'role' | 'contactId' | 'hasPassword'>): string {
  const role = (ROLE_LABELS as Record<string, string>)[user.role] ?? user.role;
  const who = user.contactId ? `${role}, Ansprechperson ${user.contactId}` : role;
  return (
    `Benutzer ${user.username} (${who}) ${user.hasPassword ? 'mit' : 'ohne'} Passwort angelegt. ` +
    `Zugangstoken für API und Kommandozeile: gremienlauf token create ${user.username}`
  );
}

/** `--contact ID`, or `--body GREMIUM --contact NAME` (the server finds the one contact of that name). */
function contactOf(contact: unknown, body: unknown): Record<string, unknown> {
  if (typeof body === 'string') {
    if (typeof contact !== 'string') throw new UsageError('Zu --body GREMIUM gehört --contact NAME (der Name der Ansprechperson).');
    return { contact: { body, name: contact } };
  }
  if (typeof contact !== 'string') return {};
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(contact)) {
    throw new UsageError(`--contact „${contact}“ ist keine ID; für einen Namen nennen Sie das Gremium mit --body GREMIUM.`);
  }
  return { contactId: contact };
}

async function createUser(ctx: CommandContext, input: Record<string, unknown>): Promise<UserView> {
  if (throughApi(ctx)) return (await ctx.api()).post<UserView>('/api/users', { json: input });
  return onLocalDatabase(ctx, (auth, by) => auth.createUser(input, by));
}
