import { z } from 'zod';
import { registrationSchema } from '../../machines';
import { businessTimeSchema } from '../common/time-input';
import { contactInputSchema } from '../contacts/contact-input';

/**
 * A registration as the API, the CLI and the form import send it: the registration form's
 * fields, with the contact persons given inline (`contacts`). The service records the contacts
 * in their own table and stores only their ids in the `registered` event.
 */
export const registrationInputSchema = registrationSchema.safeExtend({
  contacts: z.array(contactInputSchema).default([]),
});
export type RegistrationInput = z.input<typeof registrationInputSchema>;

/** What `POST /api/bodies` takes: a registration and the business date it was registered on (default: now). */
export const registrationCommandSchema = registrationInputSchema.safeExtend({
  registeredAt: businessTimeSchema.optional().describe('Fachliches Datum der Registrierung (JJJJ-MM-TT) oder Zeitpunkt; Standard: jetzt'),
});
