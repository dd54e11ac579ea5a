/**
 * What the specs of the body page's event forms share: where the page shows an error, and bodies
 * to post the forms to, each active with a requested Zwischenbericht.
 */
import { EXAMPLE_REGISTRATION } from '../../src/seed/example-registration';
import type { TestApp } from './test-app';

/** The error the page shows at a field (or, `-gruppe`, a fieldset) of an event form. */
export const errorAt = (html: string, type: string, id: string) =>
  new RegExp(`<p class="error-message" id="aktion-${type}-${id}-error"><span class="visually-hidden">Fehler: </span>([^<]+)</p>`).exec(html)?.[1] ?? null;

export const occurrences = (html: string, text: string) => html.split(text).length - 1;

/**
 * Commands and forms against the app `t()` gives (started in the spec's beforeAll); the decisions
 * that approve the bodies are numbered 2026/`firstDecision` on.
 */
export function eventFormBodies(t: () => TestApp, firstDecision: number) {
  let decisions = firstDecision;
  const send = (body: string, command: object) => t().http.post(`/api/bodies/${body}/events`).send(command);
  const record = (number: string, date: string, effects: object[]) =>
    t().http.post('/api/decisions').send({ number, issuer: 'IT-PLR', date, procedure: 'Umlaufverfahren', type: 'Beschluss', title: `Beschluss ${number}`, effects });
  const post = (body: string, form: Record<string, string>) => t().http.post(`/gremien/${body}/ereignisse`).type('form').send(form);
  const historyLength = async (body: string) => (await t().http.get(`/api/bodies/${body}/history`).expect(200)).body.events.length as number;
  /** A body approved until 31.12.2027, owing a Zwischenbericht (requested 01.11.2026, due 31.03.2027). */
  const active = async (title: string) => {
    const id = (await t().http.post('/api/bodies').send({ ...EXAMPLE_REGISTRATION, title, registeredAt: '2026-01-05' }).expect(201)).body.id as string;
    await send(id, { type: 'submitted', occurredAt: '2026-01-06' }).expect(200);
    const number = `2026/${decisions++}`;
    await record(number, '2026-01-15', [{ body: id, effect: 'approved', data: { approvedUntil: '2027-12-31' } }]).expect(201);
    await send(id, { type: 'approved', decision: number, data: { approvedUntil: '2027-12-31' } }).expect(200);
    await send(id, { type: 'reportRequested', occurredAt: '2026-11-01', data: { kind: 'Zwischenbericht', addressee: 'IT-Planungsrat', due: { kind: 'date', date: '2027-03-31' } } }).expect(200);
    return id;
  };
  return { send, record, post, historyLength, active };
}
