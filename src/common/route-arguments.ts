import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';

/** Per handler, the kinds of request part it takes as arguments: fixed when its class is declared. */
const takenByHandler = new WeakMap<object, ReadonlySet<number>>();

/** Whether the route's handler takes the request's body (`@Body()`) or query (`@Query()`) as an argument. */
export function takesArgument(context: ExecutionContext, part: RouteParamtypes.BODY | RouteParamtypes.QUERY): boolean {
  const handler = context.getHandler();
  let taken = takenByHandler.get(handler);
  if (taken === undefined) {
    // Nest keys each declared argument `type:index` on the class, under the handler's name.
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
    taken = new Set(Object.keys(args).map((key) => Number(key.split(':')[0])));
    takenByHandler.set(handler, taken);
  }
  return taken.has(part);
}
