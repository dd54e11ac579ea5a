import { describeDue, describeRecurrence, describeTermEnd, describeTermEndWithDay, germanDate, PROFILE_LABELS } from '../../machines';
import type { ContactPreview, ParsedRegistrationForm } from './registration-form.parser';

/**
 * What a registration form says, field by field, as people read it (label, text; null where the
 * form says nothing): the CLI's `import --dry-run` prints it, the web page „Formular übernehmen“
 * shows it before anything is stored. Lists are one entry a line.
 */
export function formSummary(parsed: ParsedRegistrationForm): Array<[string, string | null]> {
  const r = parsed.registration;
  const d = parsed.decision;
  const lines = (values: readonly string[] | null | undefined) => (values && values.length > 0 ? values.join('\n') : null);
  return [
    [PROFILE_LABELS.title, r.title],
    [PROFILE_LABELS.shortName, r.shortName ?? null],
    [PROFILE_LABELS.kind, r.kind],
    [PROFILE_LABELS.permanent, r.permanent ? 'ja' : 'nein'],
    [PROFILE_LABELS.parent, r.parent],
    [PROFILE_LABELS.focusTopic, r.focusTopic],
    [PROFILE_LABELS.leads, lines(r.leads)],
    [PROFILE_LABELS.contacts, lines((r.contacts ?? []).map((c, i) => `${'id' in c ? recordedPerson(c.id, parsed.contactMatches?.[i]) : person(c)}${known(parsed.contactMatches?.[i])}`))],
    [PROFILE_LABELS.participants, lines(r.participants)],
    [PROFILE_LABELS.start, germanDate(r.start)],
    [PROFILE_LABELS.expectedEnd, r.expectedEnd ? describeTermEnd(r.expectedEnd) : null],
    [PROFILE_LABELS.objective, r.objective ?? null],
    [PROFILE_LABELS.goals, lines((r.goals ?? []).map((goal, i) => `${i + 1}. ${goal}`))],
    [PROFILE_LABELS.fmkRelation, r.fmkRelation ?? null],
    [PROFILE_LABELS.reportingPlan, r.reportingPlan ?? null],
    ['Berichtspflichten', lines((r.reports ?? []).map((p) => `${p.kind} an ${p.addressee} ${describeDue(p.due)}${p.recurrence ? `, ${describeRecurrence(p.recurrence)}` : ''}`))],
    [PROFILE_LABELS.resources, r.resources ?? null],
    ['Beschluss', d ? `${d.number} (${d.issuer})${d.outcome === 'rejected' ? ', Ablehnung' : ''}${d.date ? ` vom ${germanDate(d.date)}` : ''}` : null],
    ['Befristet bis', parsed.approvedUntil ? describeTermEndWithDay(parsed.approvedUntil) : parsed.approvedPermanently ? 'bis auf Weiteres' : null],
  ];
}

/** ` – bereits erfasst`, ` – neu`: whether the import reuses a recorded contact person (nothing when not asked). */
/** `Ralf Stettner (Hessen)`. */
function person(c: { name: string | null; organization?: string | null }): string {
  return `${c.name ?? ''}${c.organization ? ` (${c.organization})` : ''}`;
}

/** A person the form's stands for by its id (chosen): as recorded, where the preview names it. */
function recordedPerson(id: string, match: ContactPreview | undefined): string {
  const recorded = match?.candidates?.find((c) => c.id === id);
  return recorded ? person(recorded) : id;
}

function known(match: ContactPreview | undefined): string {
  if (!match) return '';
  if (match.status === 'existing') return match.chosen ? ' – bereits erfasst (gewählt)' : ' – bereits erfasst';
  return match.status === 'repeated' ? ' – doppelt genannt' : ' – neu';
}
