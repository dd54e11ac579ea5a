import { z } from 'zod';
import { isCivilDate, startOfBerlinDay } from '../../machines';

/**
 * A business time as users give it: a civil date (`2024-06-17`, taken as the start of that day
 * in Europe/Berlin) or an ISO 8601 instant with a time zone. Always becomes a UTC instant.
 */
export const businessTimeSchema = z.string().transform((raw, ctx) => {
  if (isCivilDate(raw)) return startOfBerlinDay(raw);
  const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw) ? new Date(raw) : null;
  if (!instant || Number.isNaN(instant.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'Erwartet ein Datum (JJJJ-MM-TT) oder einen Zeitpunkt nach ISO 8601 mit Zeitzone.' });
    return z.NEVER;
  }
  return instant.toISOString();
});
