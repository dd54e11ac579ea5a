import { createParamDecorator } from '@nestjs/common';
import type { Actor } from '../event-log/event-hash';

/**
 * Until authentication lands (access-control issue), every request acts as the secretariat
 * (Geschäftsstelle). The actor is never taken from the request body.
 */
export const SECRETARIAT: Actor = { id: 'geschaeftsstelle', role: 'secretariat' };

export const CurrentActor = createParamDecorator((): Actor => SECRETARIAT);
