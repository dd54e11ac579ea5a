import { repeatedNameIssues } from './i-json';

/** The paths `repeatedNameIssues` names in the text (which JSON.parse reads first, as callers do). */
function repeated(text: string): string[] {
  JSON.parse(text);
  return repeatedNameIssues(text).map((issue) => issue.path);
}

describe('repeatedNameIssues: a member named twice in one JSON object', () => {
  test('is named at its path, at the root, in nested objects and inside lists', () => {
    expect(repeated('{"title":"A","title":"B"}')).toEqual(['title']);
    expect(repeated('{"type":"renamed","data":{"title":"A","note":"x","title":"B"}}')).toEqual(['data.title']);
    expect(repeated('{"contacts":[{"name":"A"},{"name":"B","name":"C"}]}')).toEqual(['contacts[1].name']);
    expect(repeated('[[1,{"a":[{},{"b":1,"b":2}]}]]')).toEqual(['[0][1].a[1].b']);
  });

  test('is named once per object however often it repeats; each object on its own', () => {
    expect(repeated('{"a":1,"a":2,"a":3,"b":{"a":1,"a":2}}')).toEqual(['a', 'b.a']);
  });

  test('the message says which name and why, in German', () => {
    expect(repeatedNameIssues('{"data":{"title":"A","title":"B"}}')).toEqual([
      {
        path: 'data.title',
        message: 'Das Feld „title“ steht mehrmals in diesem Objekt; jeder Feldname darf nur einmal vorkommen (I-JSON, RFC 7493), sonst bliebe offen, welcher Wert gilt.',
      },
    ]);
  });

  test('a name written with escapes is the name it stands for', () => {
    expect(repeated('{"title":"A","\\u0074itle":"B"}')).toEqual(['title']);
    expect(repeated('{"a\\"b":1,"a\\u0022b":2}')).toEqual(['a"b']);
  });

  test('the same name in sibling, nested or enclosing objects is no repetition', () => {
    expect(repeated('{"name":"A","inner":{"name":"B","inner":{"name":"C"}},"list":[{"name":"D"},{"name":"E"}]}')).toEqual([]);
    expect(repeated('[{"a":1},{"a":2},{}, "a", {"a":3}]')).toEqual([]);
  });

  test('names and quotes inside texts are text, also after escaped backslashes', () => {
    expect(repeated('{"title":"\\"title\\": 1, {\\"title\\":2}","note":"\\\\","other":"\\\\\\"title\\":"}')).toEqual([]);
    expect(repeated('{"a":"\\\\","a":"x"}')).toEqual(['a']);
  });

  test('values that are no objects, and an empty text, hold no names', () => {
    for (const text of ['null', '42', '"title"', '[]', '{}', ' { } ']) expect(repeated(text)).toEqual([]);
    expect(repeatedNameIssues('')).toEqual([]);
  });

  test('reads deep nesting without recursion', () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    expect(repeated(deep)).toEqual([]);
    expect(repeated(`${'['.repeat(20_000)}{"x":1,"x":2}${']'.repeat(20_000)}`)).toEqual([`${'[0]'.repeat(20_000)}.x`]);
  });
});
