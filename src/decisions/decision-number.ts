import type { Issuer } from '../../config/configuration';

/** `YYYY/NN` with an optional issuer suffix, exactly as written: two digits (three from 100 on), no padding added. */
const NUMBER = /^(\d{4})\/(\d{2}|[1-9]\d{2})(?:-([A-Z]{1,10}))?$/;
/** The word the minutes and forms put before a number: `Beschluss 2024/09`, `Beschluss Nr. 2024/08-AL`. */
const AS_CITED = /^Beschluss(?:\s+Nr\.)?\s+/i;

export interface DecisionNumber {
  /** Canonical form: year, two-digit sequence, the issuer's suffix (`2024/08-AL`, `2024/09`). */
  canonical: string;
  year: number;
  issuer: Issuer;
}

/**
 * Reads a decision number. Without an explicit issuer, the suffix names it (`2024/08-AL` is the
 * AL-Runde's, `2024/09` the IT-PLR's). With one, a missing suffix is added (`2024/09` of the
 * AL-Runde is `2024/09-AL`, as the registration forms write it) and a wrong one is an error.
 * The sequence is taken as written: `2026/9` is refused, not padded to `2026/09`. A number cited
 * as the minutes cite it, `Beschluss 2024/09`, is read as `2024/09`.
 * Returns a German message instead when the number cannot be read.
 */
export function parseDecisionNumber(raw: string, issuers: Issuer[], issuerId?: string): DecisionNumber | string {
  const match = NUMBER.exec(raw.trim().replace(AS_CITED, ''));
  if (!match) return `„${raw}“ ist keine Beschlussnummer; erwartet genau JJJJ/NN (laufende Nummer zweistellig), optional mit Kürzel des Gremiums (z. B. 2024/09 oder 2024/08-AL).`;
  const [, year, sequence, suffix] = match;
  const issuer =
    issuerId !== undefined
      ? issuers.find((i) => i.id === issuerId)
      : issuers.find((i) => (i.suffix ?? undefined) === suffix);
  if (!issuer) {
    return issuerId !== undefined ? unknownIssuer(issuerId, issuers) : `Kein beschließendes Gremium führt das Kürzel „${suffix}“.`;
  }
  if (suffix !== undefined && suffix !== issuer.suffix) {
    return `Das Kürzel „-${suffix}“ passt nicht zu ${issuer.name} (${issuer.suffix ? `-${issuer.suffix}` : 'ohne Kürzel'}).`;
  }
  const canonical = `${year}/${sequence}${issuer.suffix ? `-${issuer.suffix}` : ''}`;
  return { canonical, year: Number(year), issuer };
}

/** The message for an issuer id that no configured issuer has. */
export function unknownIssuer(issuerId: string, issuers: Issuer[]): string {
  return `Unbekanntes beschließendes Gremium „${issuerId}“; bekannt: ${issuers.map((i) => i.id).join(', ')}.`;
}
