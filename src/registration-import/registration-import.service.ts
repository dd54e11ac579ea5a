import { Inject, Injectable } from '@nestjs/common';
import { berlinDate, describeTermEnd, germanDate, termEndDate, type CivilDate, type TermEnd } from '../../machines';
import type { AppConfig } from '../../config/configuration';
import type { RegistrationInput } from '../lifecycle/registration-input';
import { BackfillService } from '../backfill/backfill.service';
import type { BackfillHold } from '../deadlines/backfill-hold';
import { BodiesService } from '../bodies/bodies.service';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../common/common.module';
import { DuplicateError, NotFoundError, ValidationError, type FieldIssue } from '../common/errors';
import { Database, isUniqueViolation, type Queries, type Transaction } from '../database/database';
import { ContactsStore } from '../contacts/contacts.store';
import type { NewContact } from '../contacts/contact-input';
import { matchContacts, namesakesOf, type ContactCandidate } from '../contacts/contact-match';
import { DecisionsService, type EffectInput, type PROCEDURES } from '../decisions/decisions.service';
import type { Actor } from '../event-log/event-hash';
import { LifecycleService, type CommandResult } from '../lifecycle/lifecycle.service';
import { decisionNamedIn, parseRegistrationForm, type FormDecision, type ParsedRegistrationForm } from './registration-form.parser';
import { FormImportError } from './form-import.error';
import { fieldName } from './form-fields';
import { effectRequirement } from '../decisions/effect-labels';
import type { Effect } from '../decisions/register';

export interface ImportOptions {
  /** Also record the decision the form's result names and send `submitted` and `approved` (or `rejected`). */
  applyDecision?: boolean;
  /** The decision's date when the form does not give it. */
  decisionDate?: CivilDate;
  /** The decision's session number (procedure "Sitzung"), when the form does not give it. */
  session?: number;
  procedure?: (typeof PROCEDURES)[number];
  /** Import even though a body with the same title is registered. */
  allowDuplicate?: boolean;
  /** When the form was registered (business date); default the decision's date when applying it, else now. */
  registeredAt?: CivilDate;
  /**
   * Begin the body's Nacherfassung with the import (in its transaction): its deadline monitoring
   * rests until the secretariat has entered its known history and ends the hold.
   */
  backfill?: boolean;
  /**
   * Recorded contact persons chosen for the form's (its number, from 1, and the person's id),
   * where the matching would not reuse them (same name, another e-mail address, say): taken as
   * they are recorded instead of recording the form's person anew.
   */
  contacts?: ReadonlyArray<{ number: number; id: string }>;
}

export interface ImportResult {
  id: string;
  title: string;
  version: number;
  state: CommandResult['state'];
  allowedEvents: CommandResult['allowedEvents'];
  /** What the form said, as registered. */
  registration: RegistrationInput;
  /** The decision the form names; `recorded` when this import put it in the register, `applied` when it was sent. */
  decision: (FormDecision & { recorded: boolean; applied: boolean }) | null;
  /** Until when the body was approved: as applied (the justification's Frist, else the requested end), else as the form's justification says. */
  approvedUntil: TermEnd | null;
  /** Approved without end (applied), or so the justification says. */
  approvedPermanently: boolean;
  events: Array<{ version: number; type: string; occurredAt: string; decision: string | null }>;
  /** With `backfill`: the hold begun with the import. */
  backfill: BackfillHold | null;
  /** The form's contact persons as registered: `existing` a recorded person reused (no second record), `new` recorded now. */
  contacts: Array<{ id: string; name: string; status: 'existing' | 'new' }>;
  warnings: string[];
}

interface ResolvedDecision {
  form: FormDecision;
  date: CivilDate;
  record: Record<string, unknown> | null;
  /** The decision as the register already holds it (the import adds its effect on the new body), or null. */
  recorded: { number: string; title: string; date: CivilDate; effects: readonly Effect[] } | null;
}

/** The contact persons the form gives by name (not by id) for which no recorded person was chosen (`ImportOptions.contacts`): matched as usual. */
function unchosen(registration: ParsedRegistrationForm['registration'], chosen: ImportOptions['contacts'] = []): NewContact[] {
  const numbers = new Set(chosen.map((c) => c.number));
  return (registration.contacts ?? []).filter((c, i): c is NewContact => !('id' in c) && !numbers.has(i + 1));
}

/** The term the applied decision gave (none for a rejection). */
function appliedTerm(data: { approvedUntil?: TermEnd; permanent?: boolean }): Pick<ImportResult, 'approvedUntil' | 'approvedPermanently'> {
  return { approvedUntil: data.approvedUntil ?? null, approvedPermanently: data.permanent === true };
}

/**
 * Imports a registration form: registers the body as a draft with every field of the form, and
 * on request applies the decision the form reports. The whole import is one transaction (the
 * decision, the contacts, the body and its events): a refused import leaves no trace.
 */
@Injectable()
export class RegistrationImportService {
  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly bodies: BodiesService,
    private readonly decisions: DecisionsService,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly backfill: BackfillService,
    private readonly contacts: ContactsStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Reads a form without storing anything (the preview, `dryRun`). A start „mit Beschlussfassung“
   * begins on the decision's day: the one the result gives, else `decisionDate` (the day given to
   * apply the decision), else the one the register holds for the decision the form names (unless
   * it was withdrawn: then the work did not begin with it). Says of each contact person whether
   * it is recorded already („bereits erfasst“: the import reuses it) or new.
   */
  async read(text: string, decisionDate?: CivilDate, chosen: ImportOptions['contacts'] = []): Promise<ParsedRegistrationForm> {
    return this.withContacts(this.db, await this.parse(text, decisionDate), chosen);
  }

  private async parse(text: string, decisionDate?: CivilDate): Promise<ParsedRegistrationForm> {
    const options = { issuers: this.config.issuers };
    const named = decisionDate ? undefined : decisionNamedIn(text, options);
    const recorded = named && !named.date ? await this.recordedDecision(named) : null;
    const day = decisionDate ?? (recorded && !recorded.withdrawn ? recorded.date : undefined);
    return parseRegistrationForm(text, { ...options, ...(day ? { decisionDate: day } : {}) });
  }

  /**
   * What `import` with these options would do, without writing: the form read and, with
   * `applyDecision`, the decision resolved and the approval checked, so that the dry run refuses
   * what the import would (a term ending before the decision, a date or procedure missing).
   */
  async dryRun(text: string, options: ImportOptions): Promise<ParsedRegistrationForm> {
    const parsed = await this.read(text, options.applyDecision ? options.decisionDate : undefined, options.contacts);
    if (!options.applyDecision) return parsed;
    const warnings = [...parsed.warnings];
    const decision = await this.resolveDecision(parsed, options, warnings);
    const approval = this.approvalData(parsed, decision, warnings);
    this.assertDatable(decision, options);
    await this.tellAmendment(decision, approval, parsed.registration.title, 'will', warnings);
    return { ...parsed, warnings };
  }

  async import(text: string, options: ImportOptions, actor: Actor): Promise<ImportResult> {
    const parsed = await this.parse(text, options.applyDecision ? options.decisionDate : undefined);
    // Matched in the import's transaction, the persons' names held from here on: the persons told as reused are the ones registration reuses.
    // Holding them, it may wait for an issuer's sessions calendar that a writer holding it asks
    // one of them of (a revision citing a decision): where PostgreSQL gives up the import for
    // that deadlock, it is run again from the start.
    return this.db.transactionRetried(async (tx) => {
      await this.contacts.hold(tx, unchosen(parsed.registration, options.contacts));
      const names = (parsed.registration.contacts ?? []).map((c) => ('name' in c ? c.name : c.id));
      return this.importParsed(tx, await this.withContacts(tx, parsed, options.contacts), names, options, actor);
    });
  }

  /**
   * The form with `contactMatches` (which persons are recorded already) and the notes on persons
   * not merged; the persons `chosen` for the form's stand in its registration by their ids.
   */
  private async withContacts(q: Queries, parsed: ParsedRegistrationForm, chosen: ImportOptions['contacts'] = []): Promise<ParsedRegistrationForm> {
    const given = parsed.registration.contacts ?? [];
    const byNumber = await this.chosenContacts(q, given, chosen);
    const live = await this.contacts.live(q);
    const matches = matchContacts(unchosen(parsed.registration, chosen), live);
    const namesakes = given.map((c) => ('name' in c ? namesakesOf(c.name, live) : []));
    const contactMatches: NonNullable<ParsedRegistrationForm['contactMatches']> = [];
    const notes: string[] = [];
    let k = 0;
    for (const [i, contact] of given.entries()) {
      const choice = byNumber.get(i + 1);
      if (choice) {
        // The chosen one among those to choose from, also where the form names the person otherwise.
        const candidates = namesakes[i].some((c) => c.id === choice.id) ? namesakes[i] : [...namesakes[i], choice];
        contactMatches.push({ status: 'existing', id: choice.id, chosen: true, ...('name' in contact ? { formName: contact.name } : {}), candidates });
        notes.push(`„${'name' in contact ? contact.name : contact.id}“ (Ansprechperson ${i + 1} des Formulars) ist wie gewählt die erfasste Ansprechperson „${choice.name}“ (${choice.id}); ihre Angaben bleiben, wie erfasst.`);
        continue;
      }
      const match = matches[k++];
      if (match.status === 'existing') contactMatches.push({ status: match.status, id: match.id });
      else contactMatches.push({ status: match.status, ...(match.status === 'new' && namesakes[i].length > 0 ? { candidates: namesakes[i] } : {}) });
      notes.push(...match.notes);
    }
    const contacts = given.map((contact, i) => (byNumber.has(i + 1) ? { id: byNumber.get(i + 1)!.id } : contact));
    return { ...parsed, registration: { ...parsed.registration, contacts }, contactMatches, warnings: [...parsed.warnings, ...notes] };
  }

  /**
   * The recorded persons chosen for the form's, by its number: refused at `contact` where the
   * form has no person of that number, one is chosen twice, or a person is not recorded (or erased).
   */
  private async chosenContacts(
    q: Queries,
    given: NonNullable<ParsedRegistrationForm['registration']['contacts']>,
    chosen: NonNullable<ImportOptions['contacts']>,
  ): Promise<Map<number, ContactCandidate & { name: string }>> {
    const byNumber = new Map<number, ContactCandidate & { name: string }>();
    for (const { number, id } of chosen) {
      const choice = `${number}:${id}`;
      if (number < 1 || number > given.length) {
        throw ValidationError.at('contact', `„${choice}“: Das Formular nennt ${given.length === 1 ? 'eine Ansprechperson' : `${given.length} Ansprechpersonen`}, keine mit der Nummer ${number}.`);
      }
      if (byNumber.has(number)) throw ValidationError.at('contact', `„${choice}“: Für Ansprechperson ${number} des Formulars ist schon eine erfasste gewählt.`);
      if ([...byNumber.values()].some((c) => c.id === id)) throw ValidationError.at('contact', `„${choice}“: Ansprechperson ${id} ist schon für eine andere des Formulars gewählt.`);
      const [row] = await q.query<ContactCandidate & { erased_at: string | null }>('SELECT id, name, organization, email, phone, erased_at FROM contacts WHERE id = ?', [id]);
      if (!row || row.erased_at !== null) throw ValidationError.at('contact', `„${choice}“: Ansprechperson ${id} ist nicht erfasst${row ? ' (gelöscht)' : ''}.`);
      const { erased_at: _erased, ...person } = row;
      byNumber.set(number, { ...person, name: row.name ?? id });
    }
    return byNumber;
  }

  /** `names`: the form's contact persons as it names them (the chosen ones stand in `parsed` by their ids). */
  private async importParsed(tx: Transaction, parsed: ParsedRegistrationForm, names: readonly string[], options: ImportOptions, actor: Actor): Promise<ImportResult> {
    const warnings = [...parsed.warnings];
    const { registration } = parsed;

    if (!options.allowDuplicate) await this.assertNotRegistered(registration.title);
    const decision = options.applyDecision ? await this.resolveDecision(parsed, options, warnings) : null;
    const approval = decision ? this.approvalData(parsed, decision, warnings) : null;
    if (decision) this.assertDatable(decision, options);
    // Told before the body is registered: the same-titled bodies it names are the earlier ones.
    if (decision && approval) await this.tellAmendment(decision, approval, registration.title, 'did', warnings);

    if (decision && options.registeredAt && options.registeredAt > decision.date) {
      throw ValidationError.at(
        'registeredAt',
        `Die Registrierung (${germanDate(options.registeredAt)}) kann nicht nach dem Beschluss (${germanDate(decision.date)}) liegen.`,
      );
    }
    const registeredAt = options.registeredAt ?? decision?.date;
    const registered = await this.lifecycle.register(registeredAt ? { ...registration, registeredAt } : registration, actor);
    if (!options.allowDuplicate) await this.claimTitle(tx, registration.title, registered);
    const results: CommandResult[] = [registered];
    if (decision && approval) {
      // The decision names its effect on the new body: recorded with it, or added to the one in the register.
      const { note: _note, ...params } = approval.data as Record<string, unknown>;
      const effect = { body: registered.bodyId, effect: approval.type, data: params };
      if (decision.record) await this.decisions.record({ ...decision.record, effects: [effect] }, actor).catch((error: unknown) => {
        throw asSent(error, options);
      });
      else {
        const existing = await this.decisions.get(decision.form.issuer, decision.form.number);
        await this.decisions.amend(
          decision.form.issuer,
          decision.form.number,
          { effects: [...existing.effects.map(({ body, effect, data }): EffectInput => ({ body, effect, data })), effect], reason: `Import des Registrierungsformulars „${registration.title}“` },
          actor,
        );
      }
      const common = { bodyId: registered.bodyId, occurredAt: decision.date };
      results.push(await this.lifecycle.execute({ ...common, type: 'submitted' }, actor));
      results.push(
        await this.lifecycle.execute({ ...common, type: approval.type, data: approval.data, decision: decision.form.number }, actor),
      );
    }

    const backfill = options.backfill
      ? (await this.backfill.begin(registered.bodyId, { reason: `Import des Registrierungsformulars „${registration.title}“ mit Nacherfassung` }, actor)).backfill
      : null;
    const last = results[results.length - 1];
    const contactIds = (registered.event.data as { contactIds: string[] }).contactIds;
    return {
      id: registered.bodyId,
      title: registration.title,
      version: last.version,
      state: last.state,
      allowedEvents: last.allowedEvents,
      registration,
      decision: parsed.decision
        ? { ...parsed.decision, ...(decision ? { date: decision.date } : {}), recorded: decision?.record != null, applied: decision !== null }
        : null,
      ...(approval ? appliedTerm(approval.data) : { approvedUntil: parsed.approvedUntil ?? null, approvedPermanently: parsed.approvedPermanently === true }),
      events: results.map((r) => ({
        version: r.event.version,
        type: r.event.type,
        occurredAt: r.event.occurredAt,
        decision: r.event.decision?.number ?? null,
      })),
      backfill,
      contacts: names.map((name, i) => ({ id: contactIds[i], name, status: parsed.contactMatches?.[i]?.status === 'existing' ? 'existing' : 'new' })),
      warnings,
    };
  }

  /** The ids of the bodies registered under exactly this title. */
  async registeredAs(title: string): Promise<string[]> {
    return (await this.bodies.list({ q: title })).filter((body) => body.title === title).map((body) => body.id);
  }

  private async assertNotRegistered(title: string): Promise<void> {
    const same = await this.registeredAs(title);
    if (same.length > 0) throw duplicateTitle(title, same);
  }

  /** The title's row in `imported_titles`: of two imports of one form, even at the same moment, one fails here. */
  private async claimTitle(tx: Transaction, title: string, registered: CommandResult): Promise<void> {
    try {
      await this.db.transaction((inner) =>
        inner.query('INSERT INTO imported_titles (title, body_id, imported_at) VALUES (?, ?, ?)', [title, registered.bodyId, registered.event.recordedAt]),
      );
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const [row] = await tx.query<{ body_id: string }>('SELECT body_id FROM imported_titles WHERE title = ?', [title]);
      throw duplicateTitle(title, row ? [row.body_id] : []);
    }
  }

  /**
   * The decision to apply: the one in the register, or one to record from the form and the
   * options. The register holds facts, so nothing is guessed: a missing date or procedure is
   * asked for.
   */
  /** The decision the form names as the register holds it, or null when it is not recorded yet (e.g. for the preview). */
  async recordedDecision(form: FormDecision) {
    return this.decisions.get(form.issuer, form.number).catch((error: unknown) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
  }

  /**
   * The decision to apply: the one in the register, or one to record from the form and the
   * options. The register holds facts, so nothing is guessed: a missing date or procedure is
   * asked for, each under the API's parameter that gives it (the web page's fields bear the
   * same names; the CLI tells them by its options).
   */
  private async resolveDecision(parsed: ParsedRegistrationForm, options: ImportOptions, warnings: string[]): Promise<ResolvedDecision> {
    const form = parsed.decision;
    if (!form) {
      throw ValidationError.at('applyDecision', 'Das Formular nennt im Feld „Ergebnis“ keinen Beschluss; es gibt nichts anzuwenden.');
    }
    const existing = await this.recordedDecision(form);
    if (existing) {
      if (options.decisionDate && options.decisionDate !== existing.date) {
        throw ValidationError.at(
          'decisionDate',
          `Beschluss ${existing.number} ist bereits mit Datum ${germanDate(existing.date)} erfasst, nicht ${germanDate(options.decisionDate)}.`,
        );
      }
      if (options.procedure && options.procedure !== existing.procedure) {
        throw ValidationError.at('procedure', `Beschluss ${existing.number} ist bereits erfasst, gefasst ${inProcedure(existing)}, nicht ${inProcedure(options)}.`);
      }
      if (options.session !== undefined && options.session !== existing.session) {
        throw ValidationError.at('session', `Beschluss ${existing.number} ist bereits erfasst, gefasst ${inProcedure(existing)}, nicht in der ${options.session}. Sitzung.`);
      }
      if (form.date && form.date !== existing.date) {
        warnings.push(
          `Das Formular datiert Beschluss ${existing.number} auf den ${germanDate(form.date)}, das Beschlussregister auf den ${germanDate(existing.date)}; es gilt das Register. Bitte prüfen.`,
        );
      }
      return { form, date: existing.date, record: null, recorded: existing };
    }

    const date = options.decisionDate ?? form.date;
    if (options.decisionDate && form.date && options.decisionDate !== form.date) {
      throw ValidationError.at('decisionDate', `Das Formular nennt als Beschlussdatum ${germanDate(form.date)}, angegeben ist ${germanDate(options.decisionDate)}.`);
    }
    const session = options.session ?? form.session;
    const procedure = options.procedure ?? (options.session !== undefined ? 'Sitzung' : form.procedure);
    const unrecorded = `Beschluss ${form.number} ist noch nicht im Beschlussregister erfasst`;
    const missing: FieldIssue[] = [];
    if (!date) missing.push({ path: 'decisionDate', message: `${unrecorded}, und das Formular nennt sein Datum nicht. Bitte angeben oder den Beschluss zuerst erfassen.` });
    if (!procedure) {
      missing.push({
        path: 'procedure',
        message: `${unrecorded}, und das Formular nennt nicht, ob er in einer Sitzung oder im Umlaufverfahren gefasst wurde. Bitte angeben oder den Beschluss zuerst erfassen.`,
      });
    } else if (procedure === 'Sitzung' && session === undefined) {
      missing.push({ path: 'session', message: `${unrecorded}, und das Formular nennt die Nummer seiner Sitzung nicht. Bitte angeben oder den Beschluss zuerst erfassen.` });
    } else if (procedure === 'Umlaufverfahren' && options.session !== undefined) {
      missing.push({ path: 'session', message: 'Ein Beschluss im Umlaufverfahren fällt in keiner Sitzung; die Nummer einer Sitzung passt nicht dazu.' });
    }
    if (missing.length > 0) throw new ValidationError(missing);
    const record = {
      number: form.number,
      issuer: form.issuer,
      date,
      procedure,
      ...(procedure === 'Sitzung' ? { session } : {}),
      type: 'Beschluss',
      title: `${form.outcome === 'rejected' ? 'Ablehnung' : 'Einrichtung'} des Formats „${parsed.registration.title}“`,
    };
    return { form, date: date!, record, recorded: null };
  }

  /**
   * Says plainly that the import adds its effect on the new body to a decision the register
   * already holds (`will`: the dry run; `did`: the import), and which bodies of the same title
   * that decision already affects (a second import of one form with allowDuplicate).
   */
  private async tellAmendment(
    decision: ResolvedDecision,
    approval: { type: 'approved' | 'rejected'; data: Record<string, unknown> },
    title: string,
    tense: 'will' | 'did',
    warnings: string[],
  ): Promise<void> {
    const recorded = decision.recorded;
    if (!recorded) return;
    const { note: _note, ...data } = approval.data;
    const effect = effectRequirement({ effect: approval.type, data }, null);
    const added = tense === 'will' ? 'wird ihm hinzugefügt' : 'wurde ihm hinzugefügt';
    const cited = tense === 'will' ? 'er wird zitiert, nicht neu erfasst' : 'er wurde zitiert, nicht neu erfasst';
    const lines = [
      `Beschluss ${recorded.number} ist bereits erfasst („${recorded.title}“ vom ${germanDate(recorded.date)}); die Wirkung „${effect}“ für dieses Gremium ${added} (im Beschlussregister als Berichtigung vermerkt), ${cited}.`,
    ];
    const namesakes = new Set(await this.registeredAs(title));
    const same = recorded.effects.filter((e) => namesakes.has(e.body));
    if (same.length > 0) {
      lines.push(
        `Er hat bereits ${same.map((e) => `die Wirkung „${effectRequirement(e, null)}“ für das gleichnamige Gremium ${e.body}`).join(' und ')}.`,
      );
    }
    warnings.unshift(lines.join(' '));
  }

  /**
   * A decision still to be recorded is dated in the year of its number and not after today, as
   * the register will check; checked before anything is written, so that the dry run refuses it
   * too, and named where its date was given.
   */
  private assertDatable(decision: ResolvedDecision, options: ImportOptions): void {
    if (!decision.record) return;
    const problem = decisionDateProblem(decision.form.number, decision.date, berlinDate(this.clock.now().toISOString()));
    if (problem) throw asSent(ValidationError.at('date', problem), options);
  }

  /** The approval (until when, or permanently) or the rejection, checked before anything is written. */
  private approvalData(
    parsed: ParsedRegistrationForm,
    decision: ResolvedDecision,
    warnings: string[],
  ): { type: 'approved' | 'rejected'; data: { approvedUntil?: TermEnd; permanent?: true; note?: string } } {
    const note = parsed.justification ? { note: parsed.justification } : {};
    if (decision.form.outcome === 'rejected') return { type: 'rejected', data: { ...note } };
    if (parsed.approvedPermanently || (parsed.approvedUntil === undefined && parsed.registration.permanent)) {
      return { type: 'approved', data: { permanent: true, ...note } };
    }
    let until = parsed.approvedUntil;
    if (until === undefined) {
      until = parsed.registration.expectedEnd ?? undefined;
      if (until === undefined) {
        throw ValidationError.at(
          'approvedUntil',
          'Das Formular nennt weder in der Begründung eine Frist („bis zum …“) noch ein voraussichtliches Ende; bis wann eingerichtet wurde, ist offen.',
        );
      }
      warnings.push(`Die Begründung nennt keine Frist; eingerichtet wird bis zum beantragten Ende ${describeTermEnd(until)}.`);
    }
    if (termEndDate(until) < decision.date) {
      throw ValidationError.at(
        'approvedUntil',
        `Das Datum „befristet bis“ (${describeTermEnd(until)}) liegt vor dem Beschluss (${germanDate(decision.date)}).`,
      );
    }
    return { type: 'approved', data: { approvedUntil: until, ...note } };
  }
}

/** Why a decision numbered `number` cannot be dated `date` (its year is the number's, and it has been taken by `today`), or null. */
function decisionDateProblem(number: string, date: CivilDate, today: CivilDate): string | null {
  const year = number.slice(0, 4);
  if (date.slice(0, 4) !== year) return `Das Jahr der Beschlussnummer (${year}) muss dem Jahr des Beschlussdatums (${date.slice(0, 4)}) entsprechen.`;
  if (date > today) return `Das Beschlussdatum ${germanDate(date)} liegt in der Zukunft.`;
  return null;
}

/** The form's field that names the decision, with its date and procedure when the form gives them. */
const RESULT_FIELD = fieldName('result');

/**
 * A refusal of the decision the import records, named where the user gave what was refused: the
 * register's `date` (and `number`, whose year must be the date's) as `decisionDate`, its
 * `procedure` and `session` under the option that set them, and whatever of it the form gave as
 * the form's field „Ergebnis“.
 */
function asSent(error: unknown, options: ImportOptions): unknown {
  if (!(error instanceof ValidationError)) return error;
  const given = (path: string): string | null => {
    if (path === 'date' || path === 'number') return options.decisionDate ? 'decisionDate' : null;
    if (path === 'procedure' || path === 'session') {
      if (options[path] !== undefined) return path;
      return options.procedure !== undefined ? 'procedure' : options.session !== undefined ? 'session' : null;
    }
    return path;
  };
  const issues = error.details.map((issue) => ({ ...issue, path: given(issue.path) }));
  if (issues.every((issue) => issue.path !== null)) return new ValidationError(issues as FieldIssue[]);
  return new FormImportError(issues.map(({ path, message }) => ({ line: null, field: path ?? RESULT_FIELD, message })));
}

/** "in der 3. Sitzung", "im Umlaufverfahren". */
function inProcedure(d: { procedure?: string; session?: number | null }): string {
  return d.procedure === 'Umlaufverfahren' ? 'im Umlaufverfahren' : d.session ? `in der ${d.session}. Sitzung` : 'in einer Sitzung';
}

function duplicateTitle(title: string, ids: string[]): DuplicateError {
  return new DuplicateError(
    `Ein Gremium „${title}“ ist bereits registriert (${ids.join(', ')}); ein zweiter Import nur mit allowDuplicate=true (CLI: --force).`,
    { title, ids },
  );
}
