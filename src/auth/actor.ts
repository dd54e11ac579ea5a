import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AuthenticationRequired } from './access-denied';
import { actorOf, PRINCIPAL, type WithPrincipal } from './principal';
import type { Actor } from '../event-log/event-hash';

/**
 * The Geschäftsstelle as the actor of work the service does on its own behalf (the example
 * seed), and the user name of the secretariat user the bootstrap token creates.
 */
export const SECRETARIAT: Actor = { id: 'geschaeftsstelle', role: 'secretariat' };

/**
 * The actor of the request: the authenticated principal (user name and role) that the access
 * guard found. Never a value the client sends.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const principal = context.switchToHttp().getRequest<WithPrincipal>()[PRINCIPAL];
  if (!principal) throw new AuthenticationRequired('no authenticated principal');
  return actorOf(principal);
});
