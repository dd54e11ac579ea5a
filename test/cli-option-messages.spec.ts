/**
 * What the CLI says when an option is used wrongly, before it reads any database or server: an
 * option that takes a value but is followed by another option asks for the value (it does not
 * claim the option takes none), and a flag given a value says it takes none.
 */
import { runCli, type CliIo } from '../src/cli/cli';

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: CliIo = { stdout: () => undefined, stderr: (text) => (stderr += text), stdin: async () => Buffer.alloc(0), env: {} };
  return { code: await runCli(argv, io), stderr };
}

describe('wrong use of an option', () => {
  test.each([
    [['deadlines', '--held', '--url', 'http://127.0.0.1:9'], 'Die Option „--held“ erwartet einen Wert.'],
    [['deadlines', '--held'], 'Die Option „--held“ erwartet einen Wert.'],
    [['list', '--json=ja'], 'Die Option „--json“ nimmt keinen Wert.'],
  ])('%j', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
