/**
 * Bytes that arrive as text, decoded strictly: never with U+FFFD in place of what is no UTF-8.
 *
 * Text that people saved in an editor (a registration form sent as text/plain, a file given to
 * the CLI) is read as the editor wrote it: UTF-8, with or without a byte order mark, or UTF-16
 * with one (Windows Notepad's "Unicode"). Anything else is refused with the line of its first
 * byte that is no UTF-8. That is most often a file saved as Windows-1252 ("ANSI"), whose umlauts
 * a lenient decoder turns into U+FFFD: a form's label „Federführung …“ would then go
 * unrecognised and be reported as missing, a title stored with the wrong characters.
 */
import { TextDecoder } from 'node:util';

/** Bytes that are no UTF-8 (`line`: where the first such byte is) or no UTF-16 after its byte order mark (`line` null). */
export class TextEncodingError extends Error {
  constructor(readonly line: number | null) {
    super(
      line === null
        ? 'Der Text beginnt wie UTF-16, ist aber kein gültiges UTF-16. Bitte im Editor als UTF-8 speichern.'
        : `Der Text ist nicht in UTF-8 kodiert (Zeile ${line}), vermutlich als Windows-1252 („ANSI“) oder ISO-8859-1 gespeichert. Bitte im Editor als UTF-8 speichern.`,
    );
  }
}

/** Text as an editor saved it: UTF-16 where it starts with that byte order mark, UTF-8 otherwise. */
export function decodeText(bytes: Uint8Array): string {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  if (!utf16) return decodeUtf8(bytes);
  try {
    // The decoder drops the byte order mark itself.
    return new TextDecoder(utf16, { fatal: true }).decode(bytes);
  } catch {
    throw new TextEncodingError(null);
  }
}

// Used whole, never streaming, so one decoder serves every call.
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8, a leading byte order mark dropped (as JSON parsers may, RFC 8259). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new TextEncodingError(firstLineNotUtf8(bytes));
  }
}

/** The number of the first line that does not decode (UTF-8 never has a line feed inside a character). */
function firstLineNotUtf8(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== 0x0a) continue;
    try {
      UTF8.decode(bytes.subarray(start, i));
    } catch {
      return line;
    }
    line++;
    start = i + 1;
  }
  return line - 1;
}
