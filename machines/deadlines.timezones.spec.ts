/**
 * The calendar must not depend on the process's time zone. Jest gives each test file a copy of
 * `process.env`, so the time zone cannot be switched inside it: every case runs in a child
 * process started with TZ set, which loads the TypeScript sources through swc.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { CALENDAR_CASES, SEED_TIMER_SCHEDULE } from '../test/deadlines.fixtures';

const probe = `
const swc = require('@swc/core');
require.extensions['.ts'] = (module, file) => {
  const { code } = swc.transformFileSync(file, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, file);
};
const cases = require(${JSON.stringify(resolve(__dirname, '../test/deadlines.fixtures.ts'))});
process.stdout.write(JSON.stringify({
  offset: new Date(2025, 0, 15).getTimezoneOffset(),
  calendar: cases.runCalendarCases(),
  seed: cases.seedTimerSchedule(),
}));
`;

function runIn(tz: string): { offset: number; calendar: unknown; seed: unknown } {
  const output = execFileSync(process.execPath, ['-e', probe], {
    cwd: resolve(__dirname, '..'),
    env: { ...process.env, TZ: tz },
    encoding: 'utf8',
  });
  return JSON.parse(output);
}

const expectedCalendar = CALENDAR_CASES.map((c) => ({ name: c.name, original: c.original, effective: c.effective }));

describe.each([
  ['UTC', 0],
  ['America/New_York', 300],
  ['Pacific/Kiritimati', -840],
  ['Europe/Berlin', -60],
])('the calendar in a process running in %s', (tz, offset) => {
  let result: ReturnType<typeof runIn>;
  beforeAll(() => {
    result = runIn(tz);
  });

  it('really runs in that time zone', () => {
    expect(result.offset).toBe(offset);
  });

  it('resolves every calendar case as in Berlin', () => {
    expect(result.calendar).toEqual(expectedCalendar);
  });

  it('schedules the seed body’s timers at the same instants', () => {
    expect(result.seed).toEqual(SEED_TIMER_SCHEDULE);
  });
});
