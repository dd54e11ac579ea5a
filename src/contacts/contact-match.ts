import type { NewContact } from './contact-input';

/** A recorded contact person that may be the one an input names (erased ones are never candidates). */
export interface ContactCandidate {
  id: string;
  name: string | null;
  organization: string | null;
  email: string | null;
  phone: string | null;
}

/** The fields a reused contact lacks and the input gives: filled in, as a correction on the contact's chain. */
export type ContactFill = Partial<Record<'organization' | 'email' | 'phone', string>>;

/**
 * How a contact person given inline relates to the recorded ones: the same person (`existing`,
 * reused, with the fields to fill in), a new one, or the same person as an earlier input of the
 * same list (`repeated`, `of` its index). `notes` say in German what was not merged and why.
 */
export type ContactMatch =
  | { status: 'existing'; id: string; by: 'email' | 'name'; fill: ContactFill; notes: string[] }
  | { status: 'new'; notes: string[] }
  | { status: 'repeated'; of: number; notes: string[] };

/** A name as compared: Unicode-normalised, whitespace collapsed, without case. */
export function comparableName(name: string): string {
  return name.normalize('NFC').replace(/\s+/gu, ' ').trim().toLocaleLowerCase('de');
}

/** An e-mail address as compared: trimmed, without case. */
export function comparableEmail(email: string): string {
  return email.trim().toLowerCase();
}

const same = (a: string | null | undefined, b: string | null | undefined, by: (v: string) => string) => !!a && !!b && by(a) === by(b);
const differ = (a: string | null | undefined, b: string | null | undefined, by: (v: string) => string) => !!a && !!b && by(a) !== by(b);

/**
 * Which recorded person each input names, conservatively: two different people are never merged.
 *
 * - With an e-mail address: the one live contact with that address (trimmed, without case) and
 *   the same name. The same address under another name (a shared mailbox) is another person.
 * - Otherwise by name: only when exactly one live contact bears that name, and neither its
 *   e-mail address nor its organisation contradicts the input's.
 *
 * A reused contact keeps what it holds; fields it lacks are filled in from the input (`fill`),
 * fields that differ are kept and noted. Inputs are matched in order; one naming the same person
 * as an earlier one is `repeated`.
 */
export function matchContacts(inputs: readonly NewContact[], candidates: readonly ContactCandidate[]): ContactMatch[] {
  const matches: ContactMatch[] = [];
  inputs.forEach((input, i) => {
    const earlier = inputs.findIndex(
      (other, j) => j < i && same(other.name, input.name, comparableName) && !differ(other.email, input.email, comparableEmail) && !differ(other.organization, input.organization, comparableName),
    );
    const match = matchOne(input, candidates);
    const earlierMatch = match.status === 'existing' ? matches.findIndex((m) => m.status === 'existing' && m.id === match.id) : -1;
    const of = earlier >= 0 ? earlier : earlierMatch;
    matches.push(of >= 0 ? { status: 'repeated', of, notes: [] } : match);
  });
  return matches;
}

/** The recorded persons bearing `name`, as the matching compares names: those a form's person may be after all. */
export function namesakesOf(name: string, candidates: readonly ContactCandidate[]): ContactCandidate[] {
  return candidates.filter((c) => same(c.name, name, comparableName));
}

function matchOne(input: NewContact, candidates: readonly ContactCandidate[]): ContactMatch {
  const who = `„${input.name}“`;
  const ids = (rows: readonly ContactCandidate[]) => rows.map((r) => r.id).join(', ');
  const namesakes = namesakesOf(input.name, candidates);
  if (input.email) {
    const sameMail = candidates.filter((c) => same(c.email, input.email, comparableEmail));
    const person = sameMail.filter((c) => namesakes.includes(c));
    if (person.length === 1) return existing(input, person[0], 'email');
    if (person.length > 1) {
      return fresh(`${person.length} erfasste Ansprechpersonen heißen ${who} und haben dieselbe E-Mail-Adresse (${ids(person)}); keine wird zugeordnet, ${who} wird neu erfasst. Bitte prüfen.`);
    }
    if (sameMail.length > 0) {
      return fresh(`Die E-Mail-Adresse von ${who} ist bereits für eine Ansprechperson anderen Namens erfasst (${ids(sameMail)}); ${who} wird als eigene Person neu erfasst. Bitte prüfen.`);
    }
  }
  if (namesakes.length === 0) return fresh();
  if (namesakes.length > 1) {
    return fresh(`${namesakes.length} erfasste Ansprechpersonen heißen ${who} (${ids(namesakes)}); keine wird zugeordnet, ${who} wird neu erfasst. Bitte prüfen.`);
  }
  const [namesake] = namesakes;
  if (differ(namesake.email, input.email, comparableEmail)) {
    return fresh(`${who} ist bereits mit einer anderen E-Mail-Adresse erfasst (${namesake.id}); als eigene Person neu erfasst.`);
  }
  if (differ(namesake.organization, input.organization, comparableName)) {
    return fresh(`${who} ist bereits mit der Organisation „${namesake.organization}“ erfasst (${namesake.id}), hier „${input.organization}“; als eigene Person neu erfasst. Bitte prüfen.`);
  }
  return existing(input, namesake, 'name');
}

function fresh(note?: string): ContactMatch {
  return { status: 'new', notes: note ? [note] : [] };
}

function existing(input: NewContact, recorded: ContactCandidate, by: 'email' | 'name'): ContactMatch {
  const fill: ContactFill = {};
  const notes: string[] = [];
  for (const field of ['organization', 'email', 'phone'] as const) {
    const given = input[field];
    if (!given) continue;
    if (!recorded[field]) fill[field] = given;
    else if (differ(recorded[field], given, field === 'email' ? comparableEmail : comparableName)) {
      notes.push(`${LABELS[field]} von „${input.name}“: erfasst ist „${recorded[field]}“, hier „${given}“; es bleibt bei der erfassten Angabe (berichtigen unter Ansprechperson ${recorded.id}).`);
    }
  }
  return { status: 'existing', id: recorded.id, by, fill, notes };
}

const LABELS = { organization: 'Organisation', email: 'E-Mail-Adresse', phone: 'Telefon' } as const;
