/**
 * An iCalendar feed (RFC 5545) of deadlines: one all-day event per Frist on its effective date,
 * with a UID that stays the same as long as the Frist exists, so calendar clients update
 * instead of duplicating.
 */
import { germanDate } from '../../machines/dates';
import { addDays } from '../../machines/deadlines';
import { describeTermEndWithDay } from '../../machines/term-end';
import { deadlineState } from '../deadlines/deadline-state';
import type { DeadlineView } from '../deadlines/deadlines.service';
import { bodyPagePath } from '../common/links';

const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'X-LIC-LOCATION:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export function calendarFeed(name: string, deadlines: DeadlineView[], publicUrl: string): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Gremienlauf//Fristen//DE',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(name)}`,
    'X-WR-TIMEZONE:Europe/Berlin',
    ...BERLIN_VTIMEZONE,
  ];
  for (const d of deadlines) {
    if (!d.effectiveDate) continue;
    const link = `${publicUrl}${bodyPagePath(d.bodyId)}`;
    const rule = d.rule as { text?: string } | null;
    const description = [
      `Gremium: ${d.bodyTitle}`,
      // A term the decision wrote as a month or year reads as on the body page: „März 2028 (bis 31.03.2028)“.
      `Frist: ${d.label}, ${d.termEndAsWritten ? describeTermEndWithDay(d.termEndAsWritten) : d.description}`,
      d.originalDate && d.originalDate !== d.effectiveDate
        ? `Ursprünglich ${germanDate(d.originalDate)}, wirksam ${germanDate(d.effectiveDate)}${rule?.text ? `: ${rule.text}` : ''}`
        : `Datum: ${germanDate(d.effectiveDate)}`,
      `Stand: ${deadlineState(d)}`,
      link,
    ].join('\n');
    lines.push(
      'BEGIN:VEVENT',
      `UID:${d.key}@gremienlauf`,
      `DTSTAMP:${utcStamp(d.updatedAt)}`,
      `DTSTART;VALUE=DATE:${compact(d.effectiveDate)}`,
      `DTEND;VALUE=DATE:${compact(addDays(d.effectiveDate, 1))}`,
      `SUMMARY:${text(`${d.status === 'met' ? 'Erledigt: ' : ''}${d.label} – ${d.bodyTitle}`)}`,
      `DESCRIPTION:${text(description)}`,
      `URL:${link}`,
      'CATEGORIES:Frist',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(fold).join('\r\n') + '\r\n';
}

function compact(date: string): string {
  return date.replaceAll('-', '');
}

function utcStamp(instant: string): string {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * TEXT escaping (RFC 5545 § 3.3.11): backslash, semicolon and comma escaped, every line break
 * (CRLF, LF or a lone CR) as `\\n`. A TEXT value may hold no other control character (TSAFE-CHAR
 * allows only HTAB of them): each is replaced by U+FFFD, so that nothing can end a content line
 * early or smuggle in a property.
 */
export function text(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\n|\r/g, '\\n')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '\ufffd');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (§ 3.1). */
function fold(line: string): string {
  // Most lines fit: one count of their octets, no walk through their characters.
  if (Buffer.byteLength(line, 'utf8') <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = utf8Octets(char.codePointAt(0)!);
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** The octets of a code point in UTF-8 (a lone surrogate is written as U+FFFD, three octets). */
function utf8Octets(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}
