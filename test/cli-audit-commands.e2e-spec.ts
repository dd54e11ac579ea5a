/**
 * The auditor's commands as users run them: real processes of bin/gremienlauf.js on a temp
 * SQLite file (and once against a server with --url). `replay ID` and `verify` without a file
 * ask the service; `verify FILE` checks an export offline and says whether, and how many,
 * published checkpoints it compared; `history` and `state` show times to the second. An event
 * changed in the file is „Verändert“ in replay and leads the offline report; a missing signing
 * key refuses the local commands and `serve` in one line, and after it was declared lost the
 * offline check takes the current and the earlier public key.
 */
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { startCliServer, type CliServer } from './support/cli-server';

const ROOT = join(__dirname, '..');
const LAUNCHER = join(ROOT, 'bin', 'gremienlauf.js');
const SEED_FILE = join(ROOT, 'examples', 'registrierung-weiterentwicklung-struktur-ozg-foederal.txt');
const TOKEN = 'glf_test_0123456789abcdef0123456789abcdef';

let dist: string;
let work: string;
let database: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: any;
}

function cli(args: string[], env: Record<string, string> = {}): Run {
  const result = spawnSync(process.execPath, [LAUNCHER, ...args], {
    cwd: work,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, GREMIENLAUF_DIST: dist, DATABASE_URL: database, ...env },
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

/** `05.12.2026, 00:51:07`: an instant in Berlin time to the second, as the tables print it. */
function berlinSecond(instant: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  return `${parts.day}.${parts.month}.${parts.year}, ${parts.hour}:${parts.minute}:${parts.second}`;
}

beforeAll(() => {
  dist = join(ROOT, 'node_modules', '.cache', `gremienlauf-cli-audit-${process.pid}`);
  spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', dist], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(join(dist, 'src', 'cli', 'main.js'))) throw new Error('the CLI did not compile');
  // The web views, as nest build copies them (the application renders them on start).
  cpSync(join(ROOT, 'src', 'web', 'views'), join(dist, 'src', 'web', 'views'), { recursive: true });
  work = mkdtempSync(join(tmpdir(), 'gremienlauf-cli-audit-'));
  database = join(work, 'register.sqlite');
}, 240_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  rmSync(dist, { recursive: true, force: true });
});

describe('gremienlauf replay and verify on the local database', () => {
  let id: string;
  let title: string;

  beforeAll(() => {
    const imported = cli(['import', SEED_FILE, '--registered-at', '01.06.2024', '--json']);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    id = imported.json.id;
    title = imported.json.title;
    for (const args of [
      ['record-decision', '2024/09-AL', '--date', '12.06.2024', '--session', '3', '--title', 'Einrichtung der PG', '--effect', 'approved', '--body', id, '--data', '{"approvedUntil":"2025-03-31"}'],
      ['send', id, 'submitted', '--date', '05.06.2024'],
      ['send', id, 'approved', '--decision', '2024/09-AL', '--data', '{"approvedUntil":"2025-03-31"}'],
    ]) {
      const run = cli(args);
      if (run.code !== 0) throw new Error(`${args[0]} failed: ${run.stderr}`);
    }
  }, 120_000);

  it('lists replay and verify without a file in the help', () => {
    const help = cli(['help']);
    expect(help.stdout).toMatch(/\n {2}replay ID\s+Alle Ereignisse eines Gremiums mit der aufgezeichneten Automatenversion wiederholen/);
    expect(help.stdout).toMatch(/\n {2}verify DATEI\?\s+Ohne DATEI: das Log vom Dienst prüfen lassen \(GET \/api\/audit\/verify\); mit DATEI: einen Prüfexport offline prüfen/);
    expect(cli(['help', 'verify']).stdout).toContain('Aufruf: gremienlauf verify [DATEI] [--public-key SCHLÜSSEL] [--published CHECKPOINTS] [--body ID]');
  });

  it('replay ID prints the steps and „Stimmt überein“ with exit 0; --json is the API answer', () => {
    const run = cli(['replay', id]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/^Version\s+Datum\s+Ereignis/);
    expect(run.stdout).toMatch(/3\s+12\.06\.2024\s+Eingerichtet \(Beschluss\) \(approved\)\s+2024\/09-AL/);
    expect(run.stdout).toMatch(/Ergebnis: Stimmt überein\. Die Wiederholung aller 3 Ereignisse mit der aufgezeichneten Automatenversion ergibt den gespeicherten Stand „[^“]+“\.\n$/);
    const json = cli(['replay', id, '--json']);
    expect([json.code, json.json.verdict, json.json.steps.length]).toEqual([0, 'matches', 3]);
    const unknown = cli(['replay', '00000000-0000-4000-8000-000000000000']);
    expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringContaining('nicht registriert')]);
  });

  it('verify without a file lets the service check its log: intact is exit 0, --body checks one body', () => {
    const run = cli(['verify']);
    expect([run.code, run.stderr]).toEqual([0, '']);
    expect(run.stdout).toMatch(/Geprüft:\s+alle Ketten\nVon:\s+lokale Datenbank .*register\.sqlite\nAm:\s+\d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d\n/);
    expect(run.stdout).toMatch(/Ketten:\s+2 Ketten mit 4 Ereignissen\n/);
    expect(run.stdout).toMatch(/Checkpoints:\s+keine: ein vollständig neu berechnetes Log wäre nicht zu erkennen/);
    expect(run.stdout).toContain('Ergebnis: Intakt. Alle 4 Ereignisse sind unverändert: 3 von 1 Gremium, 1 im Beschlussregister. Die gespeicherten Stände stimmen mit den Ketten überein.');
    const one = cli(['verify', '--body', id, '--json']);
    expect([one.code, one.json.scope, one.json.intact, one.json.events]).toEqual([0, id, true, 3]);
    expect(cli(['verify', '--body', '00000000-0000-4000-8000-000000000000']).code).toBe(1);
  });

  it('verify is wrong usage with options of the other kind', () => {
    const key = cli(['verify', '--public-key', 'key.pem']);
    expect([key.code, key.stderr]).toEqual([2, expect.stringContaining('--public-key gilt für einen Prüfexport: es fehlt DATEI')]);
    const body = cli(['verify', 'audit.jsonl', '--body', id]);
    expect([body.code, body.stderr]).toEqual([2, expect.stringContaining('--body gilt für die Prüfung durch den Dienst (ohne DATEI)')]);
  });

  it('history shows when each event was recorded to the second, and state --as-known-at takes that second as printed', () => {
    const events = cli(['history', id, '--json']).json.events as Array<{ version: number; recordedAt: string }>;
    const table = cli(['history', id]).stdout;
    for (const event of events) expect(table).toContain(berlinSecond(event.recordedAt));
    // As known at the second the second event was recorded in: it and whatever came in the same second.
    const second = berlinSecond(events[1].recordedAt);
    const known = events.filter((e) => e.recordedAt.slice(0, 19) <= events[1].recordedAt.slice(0, 19));
    const state = cli(['state', id, '--as-known-at', second]);
    expect(state.code).toBe(0);
    expect(state.stdout).toContain(`Zustand nach Kenntnisstand vom ${second}:`);
    expect(state.stdout).toMatch(new RegExp(`Grundlage:\\s+Version ${known.at(-1)!.version}: .* erfasst ${berlinSecond(known.at(-1)!.recordedAt)}`));
    const wrong = cli(['state', id, '--as-known-at', '05.12.2026 25:51']);
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining('oder nach ISO 8601 mit Zeitzone wie 2024-06-17T10:00:07+02:00')]);
  });

  it('verify FILE says how many published checkpoints it compared, notes none, and names an unreadable file in German', () => {
    const file = join(work, 'audit.jsonl');
    expect(cli(['export', file, '--checkpoint']).code).toBe(0);
    const keyFile = join(work, 'key.pem');
    writeFileSync(keyFile, createPublicKey(readFileSync(join(work, 'signing-key.pem'))).export({ type: 'spki', format: 'pem' }));
    const published = join(work, 'published.jsonl');
    writeFileSync(published, readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('{"kind":"checkpoint"')).join('\n'));

    const compared = cli(['verify', file, '--public-key', keyFile, '--published', published]);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain('\n1 veröffentlichter Checkpoint geprüft (Nr. 1).\n');
    expect(compared.stdout).toContain('Ergebnis: Alle Prüfungen bestanden — Hashes, Ketten, Checkpoint-Signaturen, die veröffentlichten Checkpoints und die Wiederholung');
    expect(cli(['verify', file, '--public-key', keyFile, '--published', published, '--json']).json.published).toEqual([1]);

    const without = cli(['verify', file, '--public-key', keyFile]);
    expect(without.code).toBe(0);
    expect(without.stdout).not.toContain('geprüft (Nr.');
    expect(without.stdout).toContain('Hinweis: Ohne --published wurde mit keinem veröffentlichten Checkpoint verglichen');

    const empty = join(work, 'empty.json');
    writeFileSync(empty, '[]');
    const none = cli(['verify', file, '--public-key', keyFile, '--published', empty]);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('Hinweis: Die veröffentlichten Checkpoints sind leer: mit keinem veröffentlichten Checkpoint wurde verglichen.');

    const broken = join(work, 'broken.json');
    writeFileSync(broken, 'kein json');
    const unreadable = cli(['verify', file, '--public-key', keyFile, '--published', broken]);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toBe(`Fehler: Die veröffentlichten Checkpoints in „${broken}“ sind nicht lesbar: kein gültiges JSON, Zeile 1, Zeichen 1 („k“).\nHilfe: gremienlauf help verify\n`);
    writeFileSync(broken, '[\n  {"payload": {"sequence": 1},\n  "signature" "x"}\n]');
    expect(cli(['verify', file, '--public-key', keyFile, '--published', broken]).stderr).toContain('kein gültiges JSON, Zeile 3, Zeichen 15 („"“).');
    writeFileSync(broken, '[{"sequence": 1}]');
    expect(cli(['verify', file, '--public-key', keyFile, '--published', broken]).stderr).toContain('der Inhalt ist kein signierter Checkpoint');

    // Events after the last checkpoint: which checkpoint, by its number.
    expect(cli(['send', id, 'started', '--date', '17.06.2024']).code).toBe(0);
    expect(cli(['export', file]).code).toBe(0);
    expect(cli(['verify', file, '--public-key', keyFile]).stdout).toMatch(/Hinweis: 1 Ereignis ist jünger als der letzte Checkpoint \(Nr\. 1 vom \d\d\.\d\d\.\d{4}, \d\d:\d\d\)/);
  });

  it('a stored state changed outside the service: replay says where, with exit 1', () => {
    const db = new BetterSqlite3(database);
    try {
      db.prepare("UPDATE bodies SET context = replace(context, '\"2025-03-31\"', '\"2025-03-30\"') WHERE id = ?").run(id);
    } finally {
      db.close();
    }
    const replay = cli(['replay', id]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(
      /\nAbweichung:\s+Version 4 „Tätigkeit begonnen“ \(started\)\nStelle:\s+context\.approvedUntil\nErgebnis: Weicht ab\. Nach Version 4 weicht der gespeicherte Stand bei „context\.approvedUntil“ von der Wiederholung ab: erwartet "2025-03-31", gespeichert "2025-03-30"\.\n$/,
    );
  });

  it('an event changed outside the service: verify names the chain and the version, with exit 1', () => {
    const db = new BetterSqlite3(database);
    try {
      db.prepare("UPDATE events SET data = replace(data, '2025-03-31', '2025-09-30') WHERE body_id = ? AND version = 3").run(id);
    } finally {
      db.close();
    }
    const verify = cli(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(new RegExp(`Probleme:\\nKette\\s+Version\\s+Befund\\n[─ ]+\\nGremium „[^“]+“ \\(${id.slice(0, 8)}…\\)\\s+3\\s+\\S`));
    expect(verify.stdout).toMatch(/Ketten:\s+\d Ketten mit 5 Ereignissen, davon 1 gebrochen\n/);
    expect(verify.stdout).toMatch(/Ergebnis: NICHT intakt \(\d+ Probleme?\)\.\n$/);
    expect(cli(['verify', '--json']).json).toMatchObject({ intact: false, problems: expect.arrayContaining([expect.objectContaining({ stream: id, version: 3 })]) });
  });

  it('the same changed event: replay says „Verändert“ with the version (exit 1), history marks it, the offline report leads with it', () => {
    const replay = cli(['replay', id]);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(
      /\nEreignis:\s+Version 3 „Eingerichtet \(Beschluss\)“ \(approved\)\nStelle:\s+hash\nErgebnis: Verändert: Version 3 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\): .*die Wiederholung wird darum nicht mit dem gespeicherten Stand verglichen\.\n$/,
    );
    expect(replay.stdout).not.toContain('Befund');
    expect(cli(['replay', id, '--json']).json).toMatchObject({ verdict: 'tampered', divergence: { version: 3, path: 'hash' } });

    const history = cli(['history', id]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/\n\nAchtung: Version 3 wurde nach der Aufzeichnung verändert \(Hash stimmt nicht\)[^\n]*\n$/);

    // Offline: the chain break, and no replay finding that blames the stored state for the forged date.
    const file = join(work, 'tampered.jsonl');
    expect(cli(['export', file]).code).toBe(0);
    const offline = cli(['verify', file, '--public-key', join(work, 'key.pem')]);
    expect(offline.code).toBe(1);
    const reported = offline.stdout.split('\n').filter((line) => line.startsWith('FEHLER') || line.startsWith('Hinweis: Gremium'));
    expect(reported).toEqual([
      expect.stringMatching(new RegExp(`^FEHLER: Gremium ${id}, Version 3 „Eingerichtet \\(Beschluss\\)“: Der gespeicherte Hash passt nicht zum Inhalt`)),
      `Hinweis: Gremium ${id}: Die Kette ist bei Version 3 gebrochen (oben): was der Export hält, ist nicht, was aufgezeichnet wurde; die Wiederholung wird darum nicht mit dem gespeicherten Stand verglichen.`,
    ]);
    expect(offline.stdout).not.toContain('erwartet');
  });

  describe('against a running server (--url)', () => {
    let server: CliServer;
    let url: string;

    beforeAll(async () => {
      server = await startCliServer(LAUNCHER, work, { GREMIENLAUF_DIST: dist, DATABASE_URL: database, GREMIENLAUF_SEED_EXAMPLE: 'false', GREMIENLAUF_BOOTSTRAP_TOKEN: TOKEN });
      url = server.url;
    }, 60_000);

    afterAll(() => server.stop());

    it('replay and verify ask the server, with its verdict and exit code', () => {
      const replay = cli(['replay', id, '--url', url, '--token', TOKEN, '--json']);
      expect(replay.code).toBe(1);
      expect(replay.json.verdict).not.toBe('matches');
      const verify = cli(['verify', '--body', id, '--url', url, '--token', TOKEN]);
      expect(verify.code).toBe(1);
      // The body by its title and id.
      expect(verify.stdout).toContain(`Gremium „${title}“ (${id})`);
      expect(verify.stdout).toMatch(new RegExp(`Geprüft:\\s+Gremium „[^“]+“ \\(${id}\\)\\nVon:\\s+Server ${url.replace(/[.]/g, '\\.')}\\n`));
      expect(cli(['verify', '--url', url]).stderr).toContain('Anmeldung erforderlich');
    });
  });
});

describe('a signing key file that is missing while the log holds a checkpoint', () => {
  let dir: string;
  let env: Record<string, string>;
  let lostKeyId: string;

  beforeAll(() => {
    dir = join(work, 'key-loss');
    env = { DATABASE_URL: join(dir, 'register.sqlite') };
    const imported = cli(['import', SEED_FILE, '--registered-at', '01.06.2024', '--json'], env);
    if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
    // Checkpoint 1, signed with the key that is then lost; its public key was published.
    if (cli(['export', join(dir, 'first.jsonl'), '--checkpoint'], env).code !== 0) throw new Error('export failed');
    const lost = createPublicKey(readFileSync(join(dir, 'signing-key.pem')));
    writeFileSync(join(dir, 'lost-key.pem'), lost.export({ type: 'spki', format: 'pem' }));
    lostKeyId = createHash('sha256').update(lost.export({ type: 'spki', format: 'der' })).digest('hex');
    rmSync(join(dir, 'signing-key.pem'));
  }, 120_000);

  const refusal = () =>
    `Fehler: Der Signaturschlüssel ${join(dir, 'signing-key.pem')} fehlt, das Log hält aber schon einen Checkpoint, der neueste (Checkpoint 1) signiert mit der Schlüssel-ID ${lostKeyId}: ein neuer Schlüssel ließe ihn unprüfbar. Legen Sie die Datei aus der Sicherung oder von einer anderen Instanz wieder an (oder nennen Sie sie mit GREMIENLAUF_SIGNING_KEY_FILE, oder geben Sie den Schlüssel als Text in GREMIENLAUF_SIGNING_KEY); ist der Schlüssel verloren, startet GREMIENLAUF_SIGNING_KEY_LOST=${lostKeyId} mit einem neuen (docs/audit.md, „The signing key“).\n`;

  it('a local command and serve are refused in one German line with exit 1, and no key is written', () => {
    const list = cli(['list'], env);
    expect([list.code, list.stdout, list.stderr]).toEqual([1, '', refusal()]);
    const json = cli(['list', '--json'], env);
    expect([json.code, JSON.parse(json.stderr)]).toEqual([1, { error: { kind: 'startRefused', status: null, message: refusal().slice('Fehler: '.length, -1), details: null } }]);
    const serve = cli(['serve', '--port', '0', '--host', '127.0.0.1'], env);
    expect([serve.code, serve.stdout, serve.stderr]).toEqual([1, '', refusal()]);
    expect(existsSync(join(dir, 'signing-key.pem'))).toBe(false);
  });

  it('declared lost, a new key signs a checkpoint at once (2) and the next (3); verify FILE takes the current key and, after it, the lost one', () => {
    const file = join(dir, 'audit.jsonl');
    const exported = cli(['export', file, '--checkpoint'], { ...env, GREMIENLAUF_SIGNING_KEY_LOST: lostKeyId.slice(0, 16) });
    expect([exported.code, exported.stderr]).toEqual([0, expect.stringMatching(/^Checkpoint 3 über /)]);
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, createPublicKey(readFileSync(join(dir, 'signing-key.pem'))).export({ type: 'spki', format: 'pem' }));
    const note = `Hinweis: Checkpoint 1: mit einem früheren Schlüssel (ID ${lostKeyId.slice(0, 16)}…) signiert;`;

    const current = cli(['verify', file, '--public-key', keyFile], env);
    expect(current.code).toBe(0);
    expect(current.stdout).toContain(`${note} die Signatur ist mit dem aktuellen Schlüssel nicht prüfbar.`);
    expect(current.stdout).toContain('Checkpoint-Signaturen (bis auf 1 Checkpoint eines früheren Schlüssels, siehe Hinweise)');
    expect(cli(['verify', file, '--public-key', keyFile, '--json'], env).json).toMatchObject({
      ok: true,
      checkpoints: { count: 3, signaturesUnchecked: [1] },
      findings: [expect.objectContaining({ severity: 'warning', area: 'checkpoint', message: expect.stringContaining('Checkpoint 2 unter dem aktuellen Schlüssel setzt ihn fort.') })],
    });

    const both = cli(['verify', file, '--public-key', keyFile, '--public-key', join(dir, 'lost-key.pem')], env);
    expect(both.code).toBe(0);
    expect(both.stdout).toContain(`${note} die Signatur ist mit diesem Schlüssel geprüft und gültig.`);
    expect(both.stdout).toContain('Hashes, Ketten, Checkpoint-Signaturen und die Wiederholung');
    expect(cli(['help', 'verify']).stdout).toContain('mehrfach: der erste der aktuelle, jeder weitere ein früherer');

    // The key file is there now: the commands run again without the setting.
    expect(cli(['list'], env).code).toBe(0);
  });
});
