/**
 * The pieces of the CLI's audit commands that need no database: the time limits `state` takes,
 * the replay verdicts it prints (tampered, and one it does not know), and the times to the second.
 */
import type { CommandContext } from '../src/cli/command';
import { replayCommand, renderReplay, type ReplayView } from '../src/cli/commands/replay';
import { dateOption, timeLimitOption } from '../src/cli/dates';
import { UsageError } from '../src/cli/errors';
import { toTheSecond } from '../src/cli/format';

describe('the limits of state --as-of / --as-known-at', () => {
  test('a Berlin time as the history prints it means its whole second, without seconds its whole minute', () => {
    expect(timeLimitOption('01.07.2024, 10:00:07', '--as-known-at')).toBe('2024-07-01T10:00:07.999+02:00');
    expect(timeLimitOption('05.12.2026 00:51', '--as-known-at')).toBe('2026-12-05T00:51:59.999+01:00');
    expect(timeLimitOption('5.12.2026, 0:51:03 Uhr', '--as-known-at')).toBe('2026-12-05T00:51:03.999+01:00');
    // Dates and ISO instants as before.
    expect(timeLimitOption('17.06.2024', '--as-of')).toBe('2024-06-17');
    expect(timeLimitOption('2024-06-17T10:00:00Z', '--as-known-at')).toBe('2024-06-17T10:00:00Z');
  });

  test('a time the clocks pass twice or skip is named as such; anything else lists every form, the ISO instant too', () => {
    expect(() => timeLimitOption('25.10.2026, 02:30', '--as-known-at')).toThrow(
      '„25.10.2026, 02:30“ gibt es in Berliner Zeit zweimal (die Uhren werden zurückgestellt): für --as-known-at bitte 2026-10-25T02:30:00+02:00 (Sommerzeit) oder 2026-10-25T02:30:00+01:00 (Winterzeit) angeben.',
    );
    expect(() => timeLimitOption('29.03.2026, 02:30', '--as-known-at')).toThrow('„29.03.2026, 02:30“ gibt es in Berliner Zeit nicht (die Uhren werden vorgestellt)');
    const unreadable = () => timeLimitOption('05.12.2026 25:51', '--as-known-at');
    expect(unreadable).toThrow(UsageError);
    expect(unreadable).toThrow('einen Zeitpunkt in Berliner Zeit wie 17.06.2024, 10:00:07 oder nach ISO 8601 mit Zeitzone wie 2024-06-17T10:00:07+02:00');
    // An option that takes an instant names the ISO form in its message; one that takes days only does not.
    expect(() => dateOption('gestern', '--date')).toThrow('oder einen Zeitpunkt nach ISO 8601 mit Zeitzone wie 2024-06-17T10:00:07+02:00');
    expect(() => dateOption('gestern', '--before', false)).toThrow('„gestern“ ist kein Datum für --before (erwartet z. B. 2024-06-17, 17.06.2024 oder 17. Juni 2024).');
  });

  test('times are shown to the second in Berlin time', () => {
    expect(toTheSecond('2026-12-04T23:51:07.480Z')).toBe('05.12.2026, 00:51:07');
    expect(toTheSecond('2025-03-31')).toBe('31.03.2025');
  });
});

describe('replay verdicts as the CLI prints them', () => {
  const step = {
    version: 1,
    type: 'registered',
    label: 'Registriert',
    actor: { id: 'geschaeftsstelle', role: 'secretariat' as const },
    decision: null,
    occurredAt: '2024-06-02T22:00:00.000Z',
    recordedAt: '2024-06-03T10:00:00.480Z',
    machine: { id: 'body', version: 3 },
    hash: 'f3211d0dd034ec5ca88b6a8749ec62330353aee415253d46825b6aa07e514330',
    allowed: true,
    refusal: null,
    stateLabelAfter: 'Entwurf',
  };
  const base = { bodyId: 'b1', events: 1, steps: [step], erasures: [] };

  function context(answer: unknown, out: string[]): CommandContext {
    return {
      args: { ID: 'b1' },
      options: {},
      rest: [],
      json: false,
      env: {},
      out: { line: (text = '') => out.push(text), note: () => undefined, result: (value, render) => out.push(render(value)) },
      api: async () => ({ get: async () => answer }) as never,
      readInput: async () => '',
    };
  }

  test('matches: the steps with the second they were recorded, and the stored state; exit 0', async () => {
    const out: string[] = [];
    const code = await replayCommand.run(context({ ...base, verdict: 'matches', stateLabel: 'Entwurf', state: 'draft', machine: { id: 'body', version: 3 } }, out));
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^Version\s+Datum\s+Ereignis\s+Beschluss\s+Akteur\s+Automat\s+Zulässig\s+Zustand danach\s+erfasst\s+Hash$/m);
    expect(out[0]).toMatch(/1\s+03\.06\.2024\s+Registriert \(registered\)\s+.*body v3\s+ja\s+Entwurf\s+03\.06\.2024, 12:00:00\s+f3211d0dd034/);
    expect(out[0]).toContain('Ergebnis: Stimmt überein. Die Wiederholung des Ereignisses mit der aufgezeichneten Automatenversion ergibt den gespeicherten Stand „Entwurf“.');
  });

  test('diverges: where, and the message; exit 1', async () => {
    const out: string[] = [];
    const divergence = { version: 1, eventId: 'e1', type: 'registered', label: 'Registriert', path: 'context.approvedUntil', expected: '2025-03-31', found: '2025-03-30', message: 'Nach Version 1 weicht der gespeicherte Stand bei „context.approvedUntil“ von der Wiederholung ab.' };
    expect(await replayCommand.run(context({ ...base, verdict: 'diverges', divergence }, out))).toBe(1);
    expect(out[0]).toMatch(/Abweichung:\s+Version 1 „Registriert“ \(registered\)\nStelle:\s+context\.approvedUntil\nErgebnis: Weicht ab\. Nach Version 1 weicht/);
  });

  test('the event a verdict names is quoted, so that a label with brackets nests in none', async () => {
    const divergence = { version: 3, eventId: 'e3', type: 'approved', label: 'Eingerichtet (Beschluss)', path: 'context.approvedUntil', expected: '2025-03-31', found: '2025-03-30', message: 'Nach Version 3 weicht der gespeicherte Stand ab.' };
    const text = renderReplay({ ...base, verdict: 'diverges', divergence } as ReplayView);
    expect(text).toMatch(/\nAbweichung:\s+Version 3 „Eingerichtet \(Beschluss\)“ \(approved\)\n/);
    expect(text).not.toMatch(/\([^()\n]*\(Beschluss\)/);
  });

  test('tampered: the first event that is not what was recorded, each of them, and „Verändert“; exit 1', async () => {
    const tampered = {
      ...base,
      verdict: 'tampered',
      divergence: {
        version: 2,
        eventId: 'e2',
        type: 'submitted',
        label: 'Eingereicht',
        path: 'hash',
        expected: 'aa',
        found: 'bb',
        message:
          'Version 2 wurde nach der Aufzeichnung verändert (Hash stimmt nicht): „Eingereicht“ hat nicht mehr den Inhalt, über den sein Hash berechnet wurde. Betroffen sind 2 Ereignisse (Versionen 2, 4). Was das Log hält, ist nicht, was aufgezeichnet wurde: die Wiederholung wird darum nicht mit dem gespeicherten Stand verglichen.',
      },
      tampered: [
        { version: 2, kind: 'content', message: 'Version 2 wurde nach der Aufzeichnung verändert (Hash stimmt nicht): „Eingereicht“ hat nicht mehr den Inhalt, über den sein Hash berechnet wurde.' },
        { version: 4, kind: 'link', message: 'Version 4 verweist nicht auf den gespeicherten Hash von Version 3: die Kette ist davor unterbrochen.' },
      ],
    };
    const out: string[] = [];
    expect(await replayCommand.run(context(tampered, out))).toBe(1);
    expect(out[0].split('\n').slice(-5)).toEqual([
      'Ereignis:  Version 2 „Eingereicht“ (submitted)',
      'Stelle:    hash',
      'Ergebnis: Verändert: Version 2 wurde nach der Aufzeichnung verändert (Hash stimmt nicht): „Eingereicht“ hat nicht mehr den Inhalt, über den sein Hash berechnet wurde. Betroffen sind 2 Ereignisse (Versionen 2, 4). Was das Log hält, ist nicht, was aufgezeichnet wurde: die Wiederholung wird darum nicht mit dem gespeicherten Stand verglichen.',
      '- Version 2 wurde nach der Aufzeichnung verändert (Hash stimmt nicht): „Eingereicht“ hat nicht mehr den Inhalt, über den sein Hash berechnet wurde.',
      '- Version 4 verweist nicht auf den gespeicherten Hash von Version 3: die Kette ist davor unterbrochen.',
    ]);
    expect(out[0]).not.toContain('Befund');
    // One event: the verdict names it, no list.
    const one = renderReplay({ ...tampered, tampered: tampered.tampered.slice(0, 1) } as ReplayView);
    expect(one).toMatch(/\nErgebnis: Verändert: Version 2 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\)[^\n]*$/);
  });

  test('a verdict it does not know is shown by where it points and the German texts it carries, and is no success', async () => {
    const later = {
      ...base,
      verdict: 'unvollständig',
      divergence: { version: 2, eventId: 'e2', type: 'submitted', label: 'Eingereicht', path: 'events', expected: 3, found: 2, message: 'Version 3 fehlt im Log.' },
      missing: [{ version: 3, message: 'Version 3: gelöscht.' }],
    };
    const out: string[] = [];
    expect(await replayCommand.run(context(later, out))).toBe(1);
    expect(out[0].split('\n').slice(-5)).toEqual([
      'Abweichung:  Version 2 „Eingereicht“ (submitted)',
      'Stelle:      events',
      'Ergebnis: Stimmt nicht überein (Befund „unvollständig“).',
      'Version 3 fehlt im Log.',
      'Version 3: gelöscht.',
    ]);
    // Without anything to show but its name.
    expect(renderReplay({ ...base, verdict: 'unbekannt' } as ReplayView)).toMatch(/\n\nErgebnis: Stimmt nicht überein \(Befund „unbekannt“\)\.$/);
  });
});
