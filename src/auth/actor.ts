import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AuthenticationRequired } from './access-denied';
import { actorOf, PRINCIPAL, type WithPrincipal } from './principal';
import type { Actor } from '../event-log/event-hash';

/**
 * The Geschäftsstelle under the user name of the secretariat user the bootstrap token creates
 * (tests and benchmarks act as it).
 */
export const SECRETARIAT: Actor = { id: 'geschaeftsstelle', role: 'secretariat' };

/**
 * The Geschäftsstelle as the actor of the example body the service records on its own behalf on
 * an empty database. A system id (`system:…` is no valid user name): the example's events name
 * no person, not even the user that may later be called `geschaeftsstelle`.
 */
export const EXAMPLE_SEED_ACTOR: Actor = { id: 'system:example', role: 'secretariat' };

/**
 * The actor of the request: the authenticated principal (user name and role) that the access
 * guard found. Never a value the client sends.
 */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const principal = context.switchToHttp().getRequest<WithPrincipal>()[PRINCIPAL];
  if (!principal) throw new AuthenticationRequired('no authenticated principal');
  return actorOf(principal);
});
