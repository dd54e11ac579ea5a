import { DEFAULT_ISSUERS } from '../../config/configuration';
import { parseDecisionNumber } from './decision-number';

const canonical = (raw: string, issuerId?: string) => {
  const number = parseDecisionNumber(raw, DEFAULT_ISSUERS, issuerId);
  return typeof number === 'string' ? `Fehler: ${number}` : `${number.canonical} ${number.issuer.id}`;
};

describe('a decision number', () => {
  test('names its issuer by its suffix, or takes the suffix of the issuer given', () => {
    expect(canonical('2024/09')).toBe('2024/09 IT-PLR');
    expect(canonical('2024/08-AL')).toBe('2024/08-AL AL-Runde');
    expect(canonical('2024/09', 'AL-Runde')).toBe('2024/09-AL AL-Runde');
    expect(canonical('2024/123-AL')).toBe('2024/123-AL AL-Runde');
  });

  test('may be cited as the minutes cite it, with the word before it', () => {
    expect(canonical('Beschluss 2024/09')).toBe('2024/09 IT-PLR');
    expect(canonical(' beschluss  2024/08-AL ')).toBe('2024/08-AL AL-Runde');
    expect(canonical('Beschluss Nr. 2024/08-AL')).toBe('2024/08-AL AL-Runde');
  });

  test('is refused when it is not written exactly, the word alone does not make one', () => {
    for (const raw of ['2026/9', '24/09', 'Beschluss', 'Beschluss2024/09', 'Beschluss 2024/09 und 2024/10', 'Empfehlung 2024/09']) {
      expect(canonical(raw)).toMatch(/^Fehler: „.*“ ist keine Beschlussnummer/);
    }
    expect(canonical('2024/08-XY')).toBe('Fehler: Kein beschließendes Gremium führt das Kürzel „XY“.');
    expect(canonical('Beschluss 2024/08-AL', 'IT-PLR')).toMatch(/^Fehler: Das Kürzel „-AL“ passt nicht zu/);
  });
});
