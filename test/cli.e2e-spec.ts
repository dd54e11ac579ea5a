/**
 * The CLI as users run it: real processes of bin/gremienlauf.js on a temp SQLite file, checked
 * by exit code, stdout and stderr. The project is compiled once into a private folder first
 * (so a build by someone else in dist/ cannot interfere).
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startCliServer, type CliServer } from './support/cli-server';

const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'bin', 'gremienlauf.js');
const SEED_FILE = join(ROOT, 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt');
const SEED = readFileSync(SEED_FILE, 'utf8');

let dist: string;
let work: string;
let database: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

function cli(args: string[], options: { env?: Record<string, string>; input?: string | Buffer } = {}): Run {
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], {
    cwd: work,
    input: options.input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GREMIENLAUF_DIST: dist, DATABASE_URL: database, ...options.env },
    timeout: 60_000,
  });
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    json = undefined;
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, json };
}

function errorJson(run: Run): any {
  return JSON.parse(run.stderr);
}

beforeAll(() => {
  dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-cli-test-${process.pid}`);
  // tsc emits even where other parts of the tree do not type-check yet; what counts is the CLI entry.
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  if (!existsSync(join(dist, 'src', 'cli', 'main.js'))) throw new Error('the CLI did not compile');
  copyAssets(dist);
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-cli-'));
  database = join(work, 'register.sqlite');
  // A tree that does not load (someone's half-written module) fails here, with the reason, not in every test.
  const probe = cli(['list', '--json']);
  if (probe.code !== 0) throw new Error(`the compiled CLI does not run: ${probe.stderr}`);
}, 240_000);

/** What `nest build` copies besides the compiled code (nest-cli.json "assets", e.g. the web views). */
function copyAssets(target: string): void {
  const nest = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8')) as {
    sourceRoot?: string;
    compilerOptions?: { assets?: Array<string | { include: string; outDir?: string }> };
  };
  const sourceRoot = nest.sourceRoot ?? 'src';
  for (const asset of nest.compilerOptions?.assets ?? []) {
    const include = typeof asset === 'string' ? asset : asset.include;
    // Nest keeps the path below the project root: src/web/views lands in <outDir>/src/web/views.
    const outDir = (typeof asset === 'string' ? undefined : asset.outDir) ?? 'dist';
    const folder = include.split(/[*{]/)[0].replace(/\/+$/, '');
    const from = join(ROOT, sourceRoot, folder);
    if (existsSync(from)) cpSync(from, join(target, outDir.replace(/^dist\/?/, ''), sourceRoot, folder), { recursive: true });
  }
}

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('gremienlauf usage', () => {
  it('shows the overview and exits 2 without a command, 0 with --help', () => {
    const bare = cli([]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain('Befehle:');
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'import DATEI', 'list', 'show ID', 'send ID EREIGNIS', 'history ID', 'state ID']) {
      expect(help.stdout).toContain(command);
    }
  });

  it('shows the help of one command', () => {
    const run = cli(['help', 'import']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Aufruf: gremienlauf import DATEI');
    expect(run.stdout).toContain('--apply-decision');
    expect(cli(['send', '--help']).stdout).toContain('--decision NUMMER');
  });

  it('exits 2 with a German message on an unknown command, an unknown option or a missing argument', () => {
    const unknown = cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unbekannter Befehl „frobnicate“');
    expect(unknown.stderr).toMatch(/Hilfe: gremienlauf help\n$/);
    const option = cli(['list', '--bogus']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('Unbekannte Option „--bogus“');
    const missing = cli(['show']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Es fehlt „ID“');
    // The help of the command that was used wrongly.
    expect(missing.stderr).toMatch(/Hilfe: gremienlauf help show\n$/);
    const extra = cli(['show', 'a', 'b']);
    expect(extra.code).toBe(2);
  });

  it('exits 2 when the form file does not exist, and says so as JSON with --json', () => {
    const run = cli(['import', join(work, 'missing.txt'), '--json']);
    expect(run.code).toBe(2);
    expect(errorJson(run)).toEqual({ error: { kind: 'usage', message: expect.stringContaining('gibt es nicht') } });
  });

  it('names a configuration value that does not fit in German, though the CLI reads it before any module of the service', () => {
    const run = cli(['serve'], { env: { PORT: 'achtzig' } });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Abgelehnt: Ungültige Konfiguration: PORT: Erwartet wird eine Zahl.\n');
  });

  it('runs through npx in the clone', () => {
    const run = spawnSync('npx', ['--offline', 'gremienlauf', '--help'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, GREMIENLAUF_DIST: dist },
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('gremienlauf – Lebenslauf der Gremien');
  });
});

describe('gremienlauf on the local database', () => {
  let id: string;

  it('reads a form with --dry-run without creating anything', () => {
    const run = cli(['import', SEED_FILE, '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({
      registration: { title: 'Weiterentwicklung Struktur OZG Föderal', kind: 'Projektgruppe', start: '2024-06-17' },
      decision: { number: '2024/09-AL', issuer: 'AL-Runde' },
      approvedUntil: '2025-03-31',
    });
    const text = cli(['import', SEED_FILE, '--dry-run']);
    expect(text.stdout).toMatch(/Beginn der Tätigkeit:\s+17\.06\.2024/);
    expect(text.stdout).toContain('Zwischenbericht an IT-Planungsrat im November 2024');
    const stdin = cli(['import', '-', '--dry-run', '--json'], { input: SEED.replace('Beschluss 2024/09', 'Beschluss 2024/11') });
    expect(stdin.code).toBe(0);
    expect(stdin.json.decision.number).toBe('2024/11-AL');
    // What the import with the same options would read: work „mit Beschlussfassung“ begins on the decision's given day.
    const waiting = join(work, 'waiting.txt');
    writeFileSync(waiting, SEED.replace('Beginn der Tätigkeit: 17.06.2024', 'Beginn der Tätigkeit: mit Beschlussfassung'));
    const dated = cli(['import', waiting, '--dry-run', '--apply-decision', '--decision-date', '12.06.2024', '--umlaufverfahren', '--json']);
    expect([dated.code, dated.json?.registration.start]).toEqual([0, '2024-06-12']);
    expect(cli(['import', waiting, '--dry-run']).stderr).toContain('Zeile 9, Feld „Beginn der Tätigkeit“');
    expect(cli(['list', '--json']).json).toEqual([]);
  });

  it('reads a form saved as UTF-16, and refuses one saved as Windows-1252 with exit 2 naming the file and the line', () => {
    const unicode = join(work, 'unicode.txt');
    writeFileSync(unicode, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SEED, 'utf16le')]));
    const read = cli(['import', unicode, '--dry-run', '--json']);
    expect([read.code, read.json?.registration.title]).toEqual([0, 'Weiterentwicklung Struktur OZG Föderal']);
    const ansi = join(work, 'ansi.txt');
    writeFileSync(ansi, Buffer.from(SEED, 'latin1'));
    const file = cli(['import', ansi, '--dry-run']);
    expect([file.code, file.stderr]).toEqual([2, expect.stringContaining(`Die Datei „${ansi}“: Der Text ist nicht in UTF-8 kodiert (Zeile 3)`)]);
    const stdin = cli(['import', '-', '--dry-run'], { input: Buffer.from(SEED, 'latin1') });
    expect([stdin.code, stdin.stderr]).toEqual([2, expect.stringContaining('Die Standardeingabe: Der Text ist nicht in UTF-8 kodiert (Zeile 3)')]);
    expect(cli(['list', '--json']).json).toEqual([]);
  });

  it('refuses a broken form with exit 1, naming line and field, and creates nothing', () => {
    const broken = join(work, 'broken.txt');
    writeFileSync(broken, SEED.replace('17.06.2024', 'Mitte Juni'));
    const run = cli(['import', broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Zeile 9, Feld „Beginn der Tätigkeit“');
    const json = cli(['import', broken, '--json']);
    expect(json.code).toBe(1);
    expect(errorJson(json).error).toMatchObject({
      kind: 'refused',
      status: 400,
      details: { details: [{ line: 9, field: 'Beginn der Tätigkeit', message: expect.stringContaining('Mitte Juni') }] },
    });
    expect(cli(['list', '--json']).json).toEqual([]);
  });

  it('imports the seed form as a draft with every field', () => {
    const run = cli(['import', SEED_FILE, '--registered-at', '01.06.2024', '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toMatchObject({ state: { value: 'draft' }, version: 1, title: 'Weiterentwicklung Struktur OZG Föderal' });
    id = run.json.id;

    const show = cli(['show', id, '--json']);
    expect(show.code).toBe(0);
    expect(show.json.context.profile).toMatchObject({
      title: 'Weiterentwicklung Struktur OZG Föderal',
      kind: 'Projektgruppe',
      permanent: false,
      parent: 'AL-Runde',
      focusTopic: 'Digitale Anwendungen',
      leads: ['Hessen', 'Bremen', 'Bund (BMI)'],
      participants: ['Hessen', 'Bayern', 'Hamburg', 'Schleswig-Holstein', 'Bremen', 'Berlin', 'Bund/BMI', 'FITKO'],
      start: '2024-06-17',
      expectedEnd: '2024-12-31',
      resources: 'Nein.',
    });
    expect(show.json.context.profile.goals).toHaveLength(4);
    expect(show.json.contacts.map((c: { name: string }) => c.name)).toEqual([
      'Ralf Stettner',
      'Carola Heilemann-Jeschke',
      'Dr. Pamela Müller-Niese',
    ]);
    expect(show.json.context.obligations[0]).toMatchObject({ kind: 'Zwischenbericht', due: { kind: 'month', month: '2024-11' } });

    const text = cli(['show', id]);
    expect(text.stdout).toMatch(/Federführung:\s+Hessen, Bremen, Bund \(BMI\)/);
    expect(text.stdout).toMatch(/r1\s+Zwischenbericht\s+IT-Planungsrat\s+im November 2024\s+–\s+offen/);
  });

  it('refuses to import the same form twice unless forced', () => {
    const again = cli(['import', SEED_FILE]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('bereits registriert');
  });

  it('lists the bodies as a table and as JSON', () => {
    const table = cli(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+Titel\s+Art des Formates\s+Übergeordnetes Gremium\s+Zustand\s+befristet bis\s+Version$/);
    expect(table.stdout).toContain(id);
    expect(table.stdout).toContain('Entwurf');
    expect(cli(['list', '--state', 'active', '--json']).json).toEqual([]);
    expect(cli(['list', '--search', 'ozg', '--json']).json.map((b: { id: string }) => b.id)).toEqual([id]);
  });

  it('records a decision and sends lifecycle events', () => {
    const decision = cli(['record-decision', '2024/09-AL', '--date', '12. Juni 2024', '--session', '3', '--title', 'Einrichtung der PG', '--effect', 'approved', '--body', id, '--data', '{"approvedUntil":"2025-03-31"}', '--json']);
    expect(decision.code).toBe(0);
    expect(decision.json).toMatchObject({ number: '2024/09-AL', issuer: 'AL-Runde', date: '2024-06-12', session: 3 });

    const submitted = cli(['send', id, 'submitted', '--date', '05.06.2024']);
    expect(submitted.code).toBe(0);
    expect(submitted.stdout).toContain('„Zur Beschlussfassung eingereicht“ (submitted) aufgenommen am 05.06.2024');
    expect(submitted.stdout).toContain('Version 2');
    // Each with its label, as `show` lists them, and the type `send` takes.
    expect(submitted.stdout).toMatch(/Zulässige Ereignisse: .*Eingerichtet \(Beschluss\) \(approved\)/);

    const approved = cli(['send', id, 'approved', '--decision', '2024/09-AL', '--data', '{"approvedUntil":"2025-03-31"}', '--json']);
    expect(approved.code).toBe(0);
    expect(approved.json).toMatchObject({ version: 3, state: { value: 'established' }, event: { occurredAt: '2024-06-11T22:00:00.000Z' } });

    expect(cli(['send', id, 'started', '--date', '2024-06-17', '--expected-version', '3']).code).toBe(0);
    // Each write went with an Idempotency-Key of its own (a lost answer may be sent again safely).
    const keys = new BetterSqlite3(database, { readonly: true });
    try {
      const rows = keys.prepare("SELECT status FROM idempotency_keys WHERE created_at >= '2000'").all() as Array<{ status: number }>;
      expect(rows.length).toBeGreaterThanOrEqual(4);
    } finally {
      keys.close();
    }
  });

  it('exits 1 when the lifecycle refuses an event, with the state and the allowed events', () => {
    const run = cli(['send', id, 'submitted']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Abgelehnt:');
    expect(run.stderr).toMatch(/Zulässige Ereignisse: .*Berichtspflicht festgelegt \(reportRequested\)/);
    const json = cli(['send', id, 'submitted', '--json']);
    expect(errorJson(json).error).toMatchObject({ kind: 'refused', status: 422, details: { details: { allowedEvents: expect.any(Array) } } });
    const stale = cli(['send', id, 'madePermanent', '--decision', '2024/09-AL', '--expected-version', '2']);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('Version 2');
  });

  it('exits 2 on unreadable --data or --date', () => {
    // Where the JSON breaks, in German (JSON.parse says it in English, counting from 0).
    expect(cli(['send', id, 'revised', '--data', '{title:'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--data ist kein gültiges JSON: bei Zeichen 2 („t“).') });
    expect(cli(['send', id, 'revised', '--data', '{"title":']).stderr).toContain('--data ist kein gültiges JSON: der Text endet vorzeitig.');
    const date = cli(['send', id, 'started', '--date', '31.02.2024']);
    expect(date.code).toBe(2);
    expect(date.stderr).toContain('kein Datum');
    // An instant that does not exist is caught here too, not rolled over into March.
    const instant = cli(['send', id, 'started', '--date', '2024-02-30T10:00:00Z']);
    expect([instant.code, instant.stderr]).toEqual([2, expect.stringContaining('„2024-02-30T10:00:00Z“ ist kein Datum für --date')]);
  });

  it('shows the history in order', () => {
    const run = cli(['history', id, '--json']);
    expect(run.code).toBe(0);
    expect(run.json.events.map((e: { version: number; type: string }) => [e.version, e.type])).toEqual([
      [1, 'registered'],
      [2, 'submitted'],
      [3, 'approved'],
      [4, 'started'],
    ]);
    // Local commands act as the operator, under the OS user's name, with the secretariat's rights.
    expect(run.json.events[1].actor).toEqual({ id: expect.stringMatching(/^cli(:.+)?$/), role: 'secretariat' });
    const table = cli(['history', id]);
    expect(table.stdout).toMatch(/3\s+12\.06\.2024\s+Eingerichtet \(Beschluss\) \(approved\)\s+befristet bis 31\.03\.2025\s+2024\/09-AL vom 12\.06\.2024/);
  });

  it('tells the state as of a business date', () => {
    expect(cli(['state', id, '--as-of', '2024-06-05', '--json']).json).toMatchObject({ bodyId: id, state: 'submitted' });
    expect(cli(['state', id, '--as-of', '15.06.2024', '--json']).json).toMatchObject({ state: 'established', basedOn: { version: 3 } });
    const active = cli(['state', id, '--as-of', '1. Januar 2025']);
    expect(active.code).toBe(0);
    expect(active.stdout).toMatch(/Zustand am 01\.01\.2025:\s+Aktiv/);
    expect(active.stdout).toMatch(/Befristet bis:\s+31\.03\.2025/);
    // Nothing has written to the body since its start: the report fell due on 02.12.2024 and is not in the log yet.
    expect(active.stdout).toMatch(/Noch nicht verbucht:\s+Bericht fällig \(reportDue\) am 02\.12\.2024\n\s+Bericht überfällig \(reportOverdue\) am 03\.12\.2024/);
    const before = cli(['state', id, '--as-of', '2024-05-01']);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('noch nicht registriert');
    expect(cli(['state', id]).code).toBe(2);
  });

  it('lists the deadlines of the active body', () => {
    const run = cli(['deadlines', '--body', id, '--json']);
    expect(run.code).toBe(0);
    expect(run.json).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ bodyId: id, kind: 'report', deadline: { kind: 'month', month: '2024-11' } }),
        expect.objectContaining({ bodyId: id, kind: 'termEnd' }),
      ]),
    );
    const table = cli(['deadlines', '--body', id]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('im November 2024');
    // Past its date and not met, in the web pages' words, before the scheduler has recorded it.
    expect(table.stdout).toMatch(/02\.12\.2024\s+30\.11\.2024\s+Zwischenbericht an IT-Planungsrat\s+im November 2024\s+.+\s+überfällig\s/);
    // `show` gives each report the date of its Frist (30.11.2024 is a Saturday), and what fell due since its last write.
    const shown = cli(['show', id]).stdout;
    expect(shown).toMatch(/r1\s+Zwischenbericht\s+IT-Planungsrat\s+im November 2024\s+02\.12\.2024 \(verschoben von 30\.11\.2024\)\s+offen/);
    expect(shown).toMatch(/Noch nicht verbucht:\s+Bericht fällig \(reportDue\) am 02\.12\.2024\n/);
    // A reader, who may not read the history, sees it too: it comes with the body. (On a copy:
    // with a user in it, the server below would not take its bootstrap token.)
    const copy = join(work, 'reader-copy.sqlite');
    for (const suffix of ['', '-wal']) if (existsSync(database + suffix)) copyFileSync(database + suffix, copy + suffix);
    expect(cli(['user', 'create', 'leserin', '--role', 'reader', '--database', copy]).code).toBe(0);
    const readerToken = cli(['token', 'create', 'leserin', '--json', '--database', copy]).json.token as string;
    const asReader = cli(['show', id, '--token', readerToken, '--database', copy]);
    expect([asReader.code, asReader.stderr]).toEqual([0, '']);
    expect(asReader.stdout).toMatch(/Noch nicht verbucht:\s+Bericht fällig \(reportDue\) am 02\.12\.2024\n/);
    expect(cli(['deadlines', '--before', 'gestern']).code).toBe(2);
  });

  it('imports with --apply-decision, or says what is missing and creates nothing', () => {
    const other = join(work, 'other.txt');
    writeFileSync(other, SEED.replace('Weiterentwicklung Struktur OZG Föderal', 'Cloud-Strategie Föderal').replace('Beschluss 2024/09', 'Beschluss 2024/10'));
    const missing = cli(['import', other, '--apply-decision']);
    expect(missing.code).toBe(1);
    // Told with this command's options, not the API's parameters.
    expect(missing.stderr).toBe(
      'Abgelehnt: Ungültige Angaben – --decision-date DATUM: Beschluss 2024/10-AL ist noch nicht im Beschlussregister erfasst, und das Formular nennt sein Datum nicht. ' +
        'Bitte angeben oder den Beschluss zuerst erfassen; --session N oder --umlaufverfahren: Beschluss 2024/10-AL ist noch nicht im Beschlussregister erfasst, ' +
        'und das Formular nennt nicht, ob er in einer Sitzung oder im Umlaufverfahren gefasst wurde. Bitte angeben oder den Beschluss zuerst erfassen.\n',
    );
    expect(cli(['list', '--json']).json).toHaveLength(1);

    const run = cli(['import', other, '--apply-decision', '--decision-date', '20.06.2024', '--umlaufverfahren']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Beschluss 2024/10-AL (AL-Runde) vom 20.06.2024 erfasst und angewandt: eingerichtet, befristet bis 31.03.2025.');
    // The events in German, each with the type `send` takes.
    expect(run.stdout).toMatch(/^ {2}Ereignisse: 1 Registriert \(registered\) am \d\d\.\d\d\.\d{4}, 2 Zur Beschlussfassung eingereicht \(submitted\) am .*, 3 Eingerichtet \(Beschluss\) \(approved\) am 20\.06\.2024$/m);
    expect(cli(['decisions', '--json']).json.map((d: { number: string; procedure: string }) => [d.number, d.procedure])).toEqual([
      ['2024/09-AL', 'Sitzung'],
      ['2024/10-AL', 'Umlaufverfahren'],
    ]);
  });

  it('records an extension, shows what it orders in words and applies it', () => {
    const recorded = cli(['record-decision', '2025/03-AL', '--date', '12.03.2025', '--umlaufverfahren', '--title', 'Verlängerung der PG', '--effect', 'extended', '--body', id, '--data', '{"approvedUntil":"2025-12-31"}']);
    expect(recorded.code).toBe(0);
    // The body with its title, for people; --json keeps the answer of the API.
    expect(recorded.stdout).toContain(`Wirkungen:\n  0: Verlängern bis 31.12.2025 (extended) für Gremium ${id} („Weiterentwicklung Struktur OZG Föderal“)`);
    expect(cli(['decision', 'show', '2025/03-AL']).stdout).toContain(`0: Verlängern bis 31.12.2025 (extended) für Gremium ${id} („Weiterentwicklung Struktur OZG Föderal“) – offen`);
    expect(cli(['decision', 'show', '2025/03-AL', '--json']).json.effects).toEqual([expect.objectContaining({ body: id, effect: 'extended' })]);
    const badIndex = cli(['decision', 'apply', '2025/03-AL', '--index', 'erste']);
    expect([badIndex.code, badIndex.stderr]).toEqual([2, expect.stringContaining('--index erwartet eine ganze Zahl ab 0, nicht „erste“.')]);
    // Its only open effect: no --body needed.
    const applied = cli(['decision', 'apply', '2025/03-AL']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/^Beschluss 2025\/03-AL vom 12\.03\.2025 umgesetzt: „Verlängert“ \(extended\) am 12\.03\.2025 – Version \d+\./);
    // On the decision's own day: nothing to point out.
    expect(applied.stdout).not.toContain('Hinweis');
    expect(cli(['decision', 'show', '2025/03-AL']).stdout).toMatch(/0: Verlängern bis 31\.12\.2025 \(extended\) für Gremium \S+ \(„Weiterentwicklung Struktur OZG Föderal“\) – umgesetzt \(Version \d+\)/);
  });

  it('records a decision that replaces a withdrawn one with --replaces, and shows which event carried it out', () => {
    // On a copy: the later tests read this decision as it stands.
    const copy = join(work, 'replacement-copy.sqlite');
    for (const suffix of ['', '-wal']) if (existsSync(database + suffix)) copyFileSync(database + suffix, copy + suffix);
    expect(cli(['decision', 'withdraw', '2025/03-AL', '--reason', 'richtig ist 2025/04-AL', '--database', copy]).code).toBe(0);
    const args = ['record-decision', '2025/04-AL', '--date', '12.03.2025', '--umlaufverfahren', '--title', 'Verlängerung der PG', '--effect', 'extended', '--body', id, '--data', '{"approvedUntil":"2025-12-31"}'];
    const recorded = cli([...args, '--replaces', '2025/03-AL', '--database', copy]);
    expect(recorded.code).toBe(0);
    // Its answer says which event it took over.
    expect(recorded.stdout).toMatch(/0: Verlängern bis 31\.12\.2025 \(extended\) .* – ersetzt Beschluss 2025\/03-AL: gilt als umgesetzt durch dessen Ereignis \(Version \d+\)$/m);
    expect(cli(['decision', 'show', '2025/04-AL', '--database', copy]).stdout).toMatch(/0: Verlängern bis 31\.12\.2025 \(extended\) .* – umgesetzt \(Version \d+, unter dem ersetzten Beschluss 2025\/03-AL\)/);
    expect(cli(['decision', 'show', '2025/03-AL', '--database', copy]).stdout).toContain('übernommen von Beschluss 2025/04-AL');
  });

  it('erases a contact person (DSGVO) with a reason, once', () => {
    // On a copy: the later tests read this body's contacts.
    const copy = join(work, 'erasure-copy.sqlite');
    for (const suffix of ['', '-wal']) if (existsSync(database + suffix)) copyFileSync(database + suffix, copy + suffix);
    const contactId = cli(['show', id, '--json', '--database', copy]).json.contacts[0].id as string;
    expect(cli(['contact', 'erase', contactId, '--database', copy]).code).toBe(2);
    const erased = cli(['contact', 'erase', contactId, '--reason', 'Antrag auf Löschung (Art. 17 DSGVO)', '--database', copy]);
    expect([erased.code, erased.stdout]).toEqual([0, `Personenbezogene Daten der Ansprechperson ${contactId} gelöscht (2 Gremien nennen sie); Audit-Protokoll Version 1.\n`]);
    expect(cli(['show', id, '--database', copy]).stdout).toMatch(new RegExp(`\\(gelöscht\\)\\s+${contactId}`));
    const again = cli(['contact', 'erase', contactId, '--reason', 'noch einmal', '--database', copy]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/wurden bereits am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2} Uhr gelöscht\.\n$/);
  });

  it('keeps the sessions calendar: records a session, moves it, lists it', () => {
    expect(cli(['session', 'list']).stdout).toBe('Keine Sitzungen eingetragen.\n');
    expect(cli(['session', 'record', 'IT-PLR', '45', '--date', '18.03.2027']).stdout).toBe('45. Sitzung (IT-PLR) am 18.03.2027: eingetragen.\n');
    expect(cli(['session', 'record', 'IT-PLR', '45', '--date', '2027-03-19']).stdout).toBe('45. Sitzung (IT-PLR) am 19.03.2027: verlegt vom 18.03.2027.\n');
    expect(cli(['session', 'list', '--issuer', 'IT-PLR']).stdout).toMatch(/IT-PLR\s+45\.\s+19\.03\.2027\s+cli:/);
    const unknown = cli(['session', 'record', 'ITPLR', '46', '--date', '2027-06-24']);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'Abgelehnt: Ungültige Angaben – issuer: Unbekanntes beschließendes Gremium „ITPLR“; bekannt: IT-PLR, AL-Runde.\n']);
    expect(cli(['session', 'record', 'IT-PLR', '46']).code).toBe(2);
    expect(cli(['session', 'list', '--json']).json).toEqual([expect.objectContaining({ issuer: 'IT-PLR', number: 45, date: '2027-03-19' })]);
  });

  it('exits 1 for a body that does not exist', () => {
    const run = cli(['show', '00000000-0000-4000-8000-000000000000']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nicht registriert');
  });
});

describe('gremienlauf against a running server (--url)', () => {
  const TOKEN = 'glf_test_0123456789abcdef0123456789abcdef';
  let server: CliServer;
  let url: string;

  beforeAll(async () => {
    server = await startCliServer(LAUNCHER, work, { GREMIENLAUF_DIST: dist, DATABASE_URL: database, GREMIENLAUF_SEED_EXAMPLE: 'false', GREMIENLAUF_BOOTSTRAP_TOKEN: TOKEN });
    url = server.url;
  }, 60_000);

  afterAll(() => server.stop());

  it('sends the token as Bearer, and exits 1 without a valid one', () => {
    const anonymous = cli(['list', '--url', url]);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('Anmeldung erforderlich');
    expect(cli(['list', '--url', url, '--token', 'glf_wrong_0123456789abcdef0123456789abcdef']).code).toBe(1);
  });

  it('lists the bodies of the server', () => {
    const run = cli(['list', '--url', url, '--token', TOKEN, '--json']);
    expect(run.code).toBe(0);
    expect(run.json.map((b: { title: string }) => b.title).sort()).toEqual(['Cloud-Strategie Föderal', 'Weiterentwicklung Struktur OZG Föderal']);
  });

  it('imports over HTTP, takes the URL and token from the environment, and refuses as the server does', () => {
    const form = join(work, 'third.txt');
    writeFileSync(form, SEED.replace('Weiterentwicklung Struktur OZG Föderal', 'Datenlabor'));
    const run = cli(['import', form, '--json'], { env: { GREMIENLAUF_URL: url, GREMIENLAUF_TOKEN: TOKEN } });
    expect(run.code).toBe(0);
    expect(run.json.title).toBe('Datenlabor');
    const missing = cli(['show', '00000000-0000-4000-8000-000000000000', '--url', url, '--token', TOKEN, '--json']);
    expect(missing.code).toBe(1);
    expect(errorJson(missing).error.status).toBe(404);
  });

  it('shows a body to a reader, who may not read its history, without its contacts', () => {
    expect(cli(['user', 'create', 'leser', '--role', 'reader', '--password-stdin'], { input: 'ein-langes-Passwort-für-Leser\n' }).code).toBe(0);
    const token = cli(['token', 'create', 'leser', '--json']).json.token as string;
    const id = cli(['list', '--url', url, '--token', TOKEN, '--json']).json[0].id as string;
    const run = cli(['show', id, '--url', url, '--token', token]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^Zustand:\s+\S/m);
    expect(run.stdout).not.toContain('Ansprechpersonen');
    // The events the body takes are listed; the reader is told it sends none of them.
    expect(run.stdout).toMatch(/^Zulässige Ereignisse: .*\(\w+\)\nDavon für Sie: keines; Ereignisse trägt die Geschäftsstelle ein\.$/m);
  });

  it('exits 1 when no server answers', () => {
    const run = cli(['list', '--url', 'http://127.0.0.1:9']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('nicht erreichbar');
  });

  it('a second start on the port the server holds exits 1 saying so in German, from serve and from npm start alike', () => {
    const port = new URL(url).port;
    const serve = cli(['serve', '--port', port, '--host', '127.0.0.1']);
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain(`Abgelehnt: Port ${port} auf 127.0.0.1 ist schon belegt – läuft Gremienlauf dort bereits?`);
    const main = spawnSync(process.execPath, [join(dist, 'src', 'main.js')], {
      cwd: work,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, DATABASE_URL: database, PORT: port, HOST: '127.0.0.1', GREMIENLAUF_SEED_EXAMPLE: 'false' },
      timeout: 60_000,
    });
    expect(main.status).toBe(1);
    expect(main.stderr).toContain(`Port ${port} auf 127.0.0.1 ist schon belegt`);
    // Nest's own English line for the failed listen is not printed beside it.
    for (const run of [serve, main]) expect(run.stdout + run.stderr).not.toContain('EADDRINUSE');
  });

  it('serve on a taken port creates nothing: no database, no signing key', () => {
    const folder = join(work, 'never-created');
    const serve = cli(['serve', '--port', new URL(url).port, '--host', '127.0.0.1'], { env: { DATABASE_URL: join(folder, 'neu.sqlite') } });
    expect(serve.code).toBe(1);
    expect(serve.stderr).toContain('ist schon belegt');
    expect(existsSync(folder)).toBe(false);
  });
});

describe('starting the service on a new installation', () => {
  /** Runs a start command on an empty database until it has said `until` on stdout; stops it then. */
  async function start(args: string[], until: RegExp, env: Record<string, string> = {}): Promise<{ stdout: string; stderr: string }> {
    const file = join(work, `new-${args.join('-').replace(/\W+/g, '_')}.sqlite`);
    const child = spawn(process.execPath, args, {
      cwd: work,
      env: { PATH: process.env.PATH, GREMIENLAUF_DIST: dist, DATABASE_URL: file, PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (until.test(stdout)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`ended with ${code} before saying ${until}: ${stdout}${stderr}`)));
      });
      // The address it names answers, and so does the set-up link.
      const url = /http:\/\/[^\s"]+?:\d+/.exec(stdout)![0];
      expect((await fetch(`${url}/health`)).status).toBe(200);
      const link = /http:\/\/\S+\/einrichten\?code=[\w-]+/.exec(stdout)![0];
      expect(await (await fetch(link)).text()).toContain('Erstes Konto einrichten');
    } finally {
      const ended = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await ended;
    }
    return { stdout, stderr };
  }

  it('npm start (dist/src/main.js): where it listens (the port it got), the set-up link, and no line per route', async () => {
    const { stdout } = await start([join(dist, 'src', 'main.js')], /einrichten\?code=.+\n.*\n/);
    expect(stdout).toMatch(/Gremienlauf läuft auf http:\/\/127\.0\.0\.1:(?!0\b)\d+ \(Datenbank: .+new-.+\.sqlite\)/);
    expect(stdout).toContain('Noch kein Benutzerkonto.');
    expect(stdout).not.toMatch(/RouterExplorer|RoutesResolver|InstanceLoader/);
    expect(stdout).toContain('Beispielgremium');
  }, 60_000);

  it('serve --json: stdout is one JSON answer with the set-up link; the log goes to stderr', async () => {
    const { stdout, stderr } = await start([LAUNCHER, 'serve', '--json'], /\}\n$/);
    const answer = JSON.parse(stdout) as Record<string, string>;
    expect(Object.keys(answer).sort()).toEqual(['database', 'setupLink', 'setupLinkExpiresAt', 'url']);
    expect(answer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(answer.setupLink.startsWith(`${answer.url}/einrichten?code=`)).toBe(true);
    expect(stderr).toContain('Beispielgremium');
    expect(stderr).toContain('"event":"setup.offered"');
  }, 60_000);
});
