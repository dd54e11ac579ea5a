import { z } from 'zod';

/** A contact person (Ansprechperson) given inline: personal data, stored apart from the events. */
export const newContactSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  organization: z.string().trim().max(200).optional(),
  email: z.email().optional(),
  phone: z.string().trim().max(60).optional(),
});
export type NewContact = z.infer<typeof newContactSchema>;

/** A reference to a known contact by id, or a new one to record. */
export const contactInputSchema = z.union([z.strictObject({ id: z.uuid() }), newContactSchema]);
export type ContactInput = z.infer<typeof contactInputSchema>;

/** The lists of a command that name contact persons by id, in the order their repeats are looked for. */
const CONTACT_ID_LISTS = ['contactIds', 'contacts', 'removedContactIds'] as const;

/** A contact person named again: where (zod's path segments) and what to say there. */
export interface RepeatedContact {
  path: Array<string | number>;
  message: string;
}

/**
 * Where a command names the same contact person twice: by id in `contactIds`, in `contacts`
 * (`{"id": …}`) and in `removedContactIds`, the three taken together. Each repeat is named at its
 * own field, with the field that named the person first (`at` prefixes that one as the error's
 * paths are prefixed, e.g. `data`). An id in capitals is the same person. Lists that are no
 * lists and ids that are no text are left to the schema.
 */
export function repeatedContacts(input: unknown, at = ''): RepeatedContact[] {
  if (typeof input !== 'object' || input === null) return [];
  const first = new Map<string, { where: string; removed: boolean }>();
  const repeats: RepeatedContact[] = [];
  for (const list of CONTACT_ID_LISTS) {
    const entries = (input as Record<string, unknown>)[list];
    if (!Array.isArray(entries)) continue;
    const removed = list === 'removedContactIds';
    entries.forEach((entry, i) => {
      const id = list === 'contacts' ? (entry as { id?: unknown } | null)?.id : entry;
      if (typeof id !== 'string') return;
      const path = list === 'contacts' ? [list, i, 'id'] : [list, i];
      const key = id.toLowerCase();
      const earlier = first.get(key);
      if (!earlier) {
        first.set(key, { where: `${at ? `${at}.` : ''}${list}[${i}]${list === 'contacts' ? '.id' : ''}`, removed });
        return;
      }
      const contradiction = earlier.removed !== removed ? '; sie kann nicht zugleich genannt und entfernt werden' : '';
      repeats.push({ path, message: `Diese Ansprechperson kommt bereits in ${earlier.where} vor${contradiction}.` });
    });
  }
  return repeats;
}
