import { TextEncodingError, decodeText, decodeUtf8 } from './text-encoding';

const refusal = (decode: () => string): TextEncodingError => {
  try {
    decode();
  } catch (error) {
    if (error instanceof TextEncodingError) return error;
    throw error;
  }
  throw new Error('decoded');
};

describe('decoding text strictly', () => {
  test('UTF-8 with or without a byte order mark, and UTF-16 in either order after its mark, give the same text', () => {
    const text = 'Föderal „Gremium“ 🏛\nZeile 2';
    const utf16le = Buffer.from(text, 'utf16le');
    for (const bytes of [
      Buffer.from(text),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le]),
      Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16le).swap16()]),
    ]) {
      expect(decodeText(bytes)).toBe(text);
    }
  });

  test('a byte that is no UTF-8 is refused with its line, also on a last line without a line feed', () => {
    expect(refusal(() => decodeText(Buffer.from('a\nb\nF\xf6deral\nd', 'latin1'))).line).toBe(3);
    expect(refusal(() => decodeUtf8(Buffer.from('a\nb\nc\xe4', 'latin1'))).line).toBe(3);
    // A sequence cut off at a line feed is broken on that line.
    expect(refusal(() => decodeUtf8(Buffer.from([0x61, 0x0a, 0xc3, 0x0a, 0x62]))).line).toBe(2);
  });

  test('UTF-16 that breaks after its mark is refused as such; JSON takes no UTF-16', () => {
    const broken = refusal(() => decodeText(Buffer.from([0xff, 0xfe, 0x41])));
    expect([broken.line, broken.message]).toEqual([null, expect.stringContaining('kein gültiges UTF-16')]);
    expect(refusal(() => decodeUtf8(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{}', 'utf16le')]))).line).toBe(1);
  });
});
