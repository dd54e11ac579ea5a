/**
 * Where JSON text stops being JSON, in German: `bei Zeichen 2 („b“)`, or that it ends too early.
 * JSON.parse says it in English and with a position counted from 0.
 */
export function whereJsonBreaks(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const at = Number(position[1]);
    return at < text.length ? `bei Zeichen ${at + 1} („${text[at]}“)` : 'der Text endet vorzeitig';
  }
  return /end of (JSON )?input/i.test(message) ? 'der Text endet vorzeitig' : 'der Text ist kein JSON';
}
