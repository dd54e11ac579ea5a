import { jsonOption } from '../src/cli/json-option';
import { UsageError } from '../src/cli/errors';

describe('a JSON option of the CLI (--data, --effects)', () => {
  test('naming a member twice is a usage error naming the option, the member and why', () => {
    const read = () => jsonOption('{"title":"A","title":"B"}', '--data');
    expect(read).toThrow(UsageError);
    expect(read).toThrow('--data: title: Das Feld „title“ steht mehrmals in diesem Objekt; jeder Feldname darf nur einmal vorkommen (I-JSON, RFC 7493), sonst bliebe offen, welcher Wert gilt.');
    expect(() => jsonOption('[{"body":"b","effect":"renamed","data":{"title":"A","title":"B"}}]', '--effects')).toThrow('--effects: [0].data.title: Das Feld „title“');
  });

  test('is read as before when every name is single, and unreadable JSON is still named as such', () => {
    expect(jsonOption('{"title":"A","data":{"title":"B"}}', '--data')).toEqual({ title: 'A', data: { title: 'B' } });
    expect(() => jsonOption('{"title":', '--data')).toThrow('--data ist kein gültiges JSON: der Text endet vorzeitig.');
  });
});
