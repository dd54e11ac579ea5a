import { intactChainsText, tamperMarks } from './chain-verdict';

describe('the verdict of the chain check', () => {
  test('counts the events by what their chains record, the bodies by number', () => {
    expect(
      intactChainsText([
        { kind: 'body', events: 10 },
        { kind: 'decision', events: 1 },
        { kind: 'decision', events: 1 },
      ]),
    ).toBe('Alle 12 Ereignisse sind unverändert: 10 von 1 Gremium, 2 im Beschlussregister.');
    expect(
      intactChainsText([
        { kind: 'body', events: 1200 },
        { kind: 'body', events: 3 },
        { kind: 'contact', events: 1 },
        { kind: 'auditLog', events: 4 },
      ]),
    ).toBe('Alle 1.208 Ereignisse sind unverändert: 1.203 von 2 Gremien, 1 Berichtigung von Ansprechpersonen, 4 im Audit-Protokoll.');
  });

  test('one event, and none', () => {
    expect(intactChainsText([{ kind: 'body', events: 1 }])).toBe('Das Ereignis ist unverändert: 1 von 1 Gremium.');
    expect(intactChainsText([])).toBe('Noch keine Ereignisse.');
  });

  test('a step whose event fails its check is marked by what is wrong, by the event’s id (a duplicated version is two events)', () => {
    const marks = tamperMarks([
      { eventId: 'e3', kind: 'content' },
      { eventId: 'e5', kind: 'gap' },
      { eventId: 'e6', kind: 'link' },
    ]);
    expect([...marks]).toEqual([
      ['e3', 'verändert (Hash stimmt nicht)'],
      ['e5', 'Lücke davor (gelöscht)'],
      ['e6', 'Kette davor unterbrochen'],
    ]);
    expect(marks.get('e4')).toBeUndefined();
  });
});
