/**
 * Text laid out on lines of at most `max` characters, broken between words (a word longer than a
 * line keeps a line of its own): for the SVG pictures, which wrap no text themselves.
 */
export function wrapWords(text: string, max: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > max) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
