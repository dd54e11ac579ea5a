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
