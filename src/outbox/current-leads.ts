import type { Database } from '../database/database';

/**
 * The line of a reminder e-mail that names the body's Federführung. The reminder writes it
 * (src/deadlines/reminder-message.ts), and the sender renders it anew when the e-mail goes out
 * (`MailSender`), as it resolves the recipients then: a change of Federführung while the message
 * waits changes both. Kept here, beside the sender, since the outbox must not depend on the
 * scheduler's folder, which depends on it.
 */
export const leadsLine = (leads: readonly string[]) => `Federführung: ${leads.join(', ')}`;

/** The text of a reminder e-mail with its Federführung line naming `leads` (a text without that line stays as it is). */
export function withCurrentLeads(text: string, leads: readonly string[]): string {
  return text.replace(/^Federführung: .*$/m, () => leadsLine(leads));
}

/**
 * A column expression over a row of `bodies`: the JSON text of the body's leads
 * (`profile.leads`), picked out by the database, NULL where its context has none. The sender
 * renders the Federführung line from these names alone, without reading the rest of the context.
 */
export function leadsSql(kind: Database['kind']): string {
  return kind === 'sqlite' ? `context -> '$.profile.leads'` : `(context::jsonb -> 'profile' -> 'leads')::text`;
}
