/**
 * The Zeitleiste: one row per body on a shared time axis — start, approved-until (or planned
 * end), extensions, lapses of the term, report milestones and a line for today. Every mark carries a `<title>`;
 * the page repeats the same facts as a table.
 */
import { germanDate } from '../../machines';
import { escapeHtml } from './templates';
import { wrapWords } from './text-lines';

export interface TimelineBody {
  id: string;
  title: string;
  stateLabel: string;
  start: string;
  started: boolean;
  approvedUntil: string | null;
  expectedEnd: string | null;
  permanent: boolean;
  endedOn: string | null;
  /**
   * `decision`: the Beschluss the extension rests on now — the one it cites, or the one that took
   * it over when that was withdrawn (`replaces`: the cited one); `withdrawn` when that one is
   * withdrawn and nothing replaced it.
   */
  extensions: Array<{ on: string; until: string; decision: string | null; replaces?: string | null; withdrawn?: boolean }>;
  /**
   * Where the term had lapsed: from the day it expired (`termExpired`, the day after the last
   * approved day) to the day an extension or Entfristung gave it a term again, null while none has.
   */
  lapses: Array<{ from: string; to: string | null }>;
  /** `state`: how the Frist stands in words (`deadlineState`), e.g. „eingereicht am 05.12.2024, verspätet“. */
  reports: Array<{ date: string; label: string; status: string; overdue: boolean; state: string }>;
}

/**
 * The Beschluss an extension rests on, in words: „Beschluss 2026/33-AL, ersetzt 2026/38-AL“ when
 * it took over the event of the withdrawn one, „Beschluss 2026/38-AL, zurückgenommen“ when the
 * decision is withdrawn and nothing replaced it; null without a decision.
 */
export function extensionBasis(ext: TimelineBody['extensions'][number]): string | null {
  if (!ext.decision) return null;
  return `Beschluss ${ext.decision}${ext.replaces ? `, ersetzt ${ext.replaces}` : ''}${ext.withdrawn ? ', zurückgenommen' : ''}`;
}

const LABEL_W = 290;
const CHART_W = 820;
const ROW_H = 58;
const TOP = 46;
const TODAY_TEXT_W = 120;

const day = (date: string) => Date.parse(`${date}T00:00:00Z`);

function monthStart(ms: number, add = 0): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + add, 1);
}

function shorten(text: string, max = 38): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A title on at most two lines, broken between words: titles that begin alike („Arbeitsgruppe
 * Registermodernisierung Teil 1 …“, „… Teil 2 …“) stay apart where one line would cut them off alike.
 */
export function titleLines(title: string, max = 38): string[] {
  const [first, ...rest] = wrapWords(title, max);
  return [first, rest.join(' ')].filter(Boolean).map((line) => shorten(line, max));
}

export function timelineSvg(bodies: TimelineBody[], today: string): string {
  const dates = bodies.flatMap((b) => [
    b.start,
    b.approvedUntil,
    b.expectedEnd,
    b.endedOn,
    ...b.extensions.flatMap((e) => [e.on, e.until]),
    ...b.lapses.flatMap((l) => [l.from, l.to]),
    ...b.reports.map((r) => r.date),
  ]);
  const known = [...dates.filter((d): d is string => Boolean(d)), today].map(day);
  // A loop, not Math.min(...known): spread arguments overflow the stack with some 100,000 dates.
  const from = monthStart(known.reduce((a, b) => Math.min(a, b)), -1);
  const to = monthStart(known.reduce((a, b) => Math.max(a, b)), 2);
  const x = (date: string | number) => LABEL_W + 24 + (((typeof date === 'number' ? date : day(date)) - from) / (to - from)) * (CHART_W - 24);
  const height = TOP + bodies.length * ROW_H + 24;
  // A label near the right edge ends at its mark instead of running off the picture.
  const anchor = (at: number) => (at > LABEL_W + CHART_W - 70 ? 'end' : 'middle');
  const width = LABEL_W + CHART_W + 30;
  const parts: string[] = [];

  // Stripes behind everything, then the axis: a line per year, a small tick per quarter.
  bodies.forEach((_, i) => {
    if (i % 2 === 0) parts.push(`<rect class="stripe" x="0" y="${TOP + i * ROW_H}" width="${width}" height="${ROW_H}"/>`);
  });
  parts.push(`<line class="divider" x1="${LABEL_W + 12}" x2="${LABEL_W + 12}" y1="${TOP - 4}" y2="${height - 20}"/>`);
  for (let t = from; t <= to; t = monthStart(t, 1)) {
    const d = new Date(t);
    const month = d.getUTCMonth();
    if (month % 3 !== 0) continue;
    const isYear = month === 0;
    parts.push(`<line class="${isYear ? 'year' : 'quarter'}" x1="${x(t)}" x2="${x(t)}" y1="${TOP - (isYear ? 16 : 6)}" y2="${height - 20}"/>`);
    if (isYear) parts.push(`<text class="axis" x="${x(t) + 4}" y="${TOP - 22}">${d.getUTCFullYear()}</text>`);
  }

  // The dates written beside the bars, drawn last: over the line for today, which would cross them.
  const marks: string[] = [];
  bodies.forEach((body, i) => {
    const y = TOP + i * ROW_H;
    const mid = y + ROW_H / 2;
    const end = body.endedOn ?? body.approvedUntil ?? body.expectedEnd;
    const barEnd = body.permanent && !body.endedOn ? x(to) - 8 : end ? x(end) : x(body.start) + 6;
    parts.push(`<g class="row"><title>${escapeHtml(`${body.title}: ${body.stateLabel}`)}</title>`);
    const title = titleLines(body.title);
    parts.push(...title.map((line, l) => `<text class="body-title" x="8" y="${mid - 4 - (title.length - 1 - l) * 14}">${escapeHtml(line)}</text>`));
    parts.push(`<text class="state-text" x="8" y="${mid + 13}">${escapeHtml(shorten(body.stateLabel, 44))}</text>`);
    if (!body.started && body.endedOn) {
      // Rejected, withdrawn or ended before its work began: no bar of work, the day it ended.
      const ex = x(body.endedOn);
      parts.push(
        `<line class="term-end" x1="${ex}" x2="${ex}" y1="${mid - 8}" y2="${mid + 8}"><title>${escapeHtml(`${body.stateLabel}: ${germanDate(body.endedOn)}, ohne Beginn der Tätigkeit`)}</title></line>`,
        '</g>',
      );
      marks.push(`<text class="mark" x="${ex}" y="${mid - 11}" text-anchor="${anchor(ex)}">${escapeHtml(`beendet am ${germanDate(body.endedOn)}`)}</text>`);
      return;
    }
    const barClass = body.approvedUntil || body.permanent ? 'term' : 'planned';
    parts.push(
      `<rect class="${barClass}" x="${x(body.start)}" y="${mid - 7}" width="${Math.max(4, barEnd - x(body.start))}" height="14" rx="3"><title>${escapeHtml(
        `${body.started ? 'Beginn' : 'Geplanter Beginn'} ${germanDate(body.start)}${end && !body.permanent ? ` bis ${germanDate(end)}` : ''}${body.permanent ? ', entfristet' : ''}`,
      )}</title></rect>`,
    );
    for (const lapse of body.lapses) {
      // Drawn over the bar: the time without an approved term is not part of it.
      const until = lapse.to ?? body.endedOn ?? today;
      const lx = x(lapse.from);
      const text = lapse.to
        ? `Laufzeit abgelaufen vom ${germanDate(lapse.from)} bis zur Verlängerung am ${germanDate(lapse.to)}, ohne Beschluss`
        : `Laufzeit abgelaufen seit ${germanDate(lapse.from)}${body.endedOn ? ` bis ${germanDate(body.endedOn)}` : ''}, ohne Beschluss`;
      parts.push(`<rect class="lapse" x="${lx}" y="${mid - 7}" width="${Math.max(4, x(until) - lx)}" height="14"><title>${escapeHtml(text)}</title></rect>`);
    }
    parts.push(`<circle class="start" cx="${x(body.start)}" cy="${mid}" r="5"><title>${escapeHtml(`Beginn ${germanDate(body.start)}`)}</title></circle>`);
    if (body.permanent) {
      marks.push(`<text class="mark" x="${barEnd - 4}" y="${mid - 11}" text-anchor="end">entfristet →</text>`);
    } else if (body.approvedUntil) {
      const ax = x(body.approvedUntil);
      parts.push(`<line class="term-end" x1="${ax}" x2="${ax}" y1="${mid - 14}" y2="${mid + 14}"><title>${escapeHtml(`befristet bis ${germanDate(body.approvedUntil)}`)}</title></line>`);
      marks.push(`<text class="mark" x="${ax}" y="${mid - 17}" text-anchor="${anchor(ax)}">bis ${germanDate(body.approvedUntil)}</text>`);
    } else if (body.expectedEnd) {
      marks.push(`<text class="mark" x="${x(body.expectedEnd)}" y="${mid - 11}" text-anchor="${anchor(x(body.expectedEnd))}">geplant bis ${germanDate(body.expectedEnd)}</text>`);
    }
    for (const ext of body.extensions) {
      const ex = x(ext.on);
      parts.push(
        `<path class="extension" d="M${ex},${mid - 8} l7,8 l-7,8 l-7,-8 z"><title>${escapeHtml(
          `Verlängert am ${germanDate(ext.on)} bis ${germanDate(ext.until)}${ext.decision ? ` (${extensionBasis(ext)})` : ''}`,
        )}</title></path>`,
      );
    }
    for (const report of body.reports) {
      const rx = x(report.date);
      const state = report.status === 'met' ? 'met' : report.overdue ? 'overdue' : 'open';
      parts.push(
        `<path class="report ${state}" d="M${rx},${mid + 9} l6,11 l-12,0 z"><title>${escapeHtml(`${report.label}: ${germanDate(report.date)} (${report.state})`)}</title></path>`,
      );
    }
    parts.push('</g>');
  });

  const tx = x(today);
  parts.push(`<line class="today" x1="${tx}" x2="${tx}" y1="${TOP - 10}" y2="${height - 14}"><title>Heute, ${germanDate(today)}</title></line>`);
  // „Heute 02.12.2026“ is about 110 units wide: near the right edge it ends at the line instead.
  const todayText = tx + 4 + TODAY_TEXT_W > width ? `x="${tx - 4}" text-anchor="end"` : `x="${tx + 4}"`;
  parts.push(`<text class="today-text" ${todayText} y="${height - 4}">Heute ${germanDate(today)}</text>`, ...marks);

  return [
    `<svg class="timeline" role="img" aria-labelledby="timeline-title timeline-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="timeline-title">Zeitleiste aller Gremien</title>`,
    `<desc id="timeline-desc">${escapeHtml(
      `${bodies.length} Gremien von ${germanDate(new Date(from).toISOString().slice(0, 10))} bis ${germanDate(new Date(to).toISOString().slice(0, 10))}: Balken von Beginn bis „befristet bis“, rot gestrichelt umrandete Abschnitte, wo die Laufzeit abgelaufen war, Rauten für Verlängerungen, Dreiecke für Berichte, senkrechte Linie für heute. Dieselben Angaben stehen in der Tabelle unter der Grafik.`,
    )}</desc>`,
    ...parts,
    '</svg>',
  ].join('');
}
