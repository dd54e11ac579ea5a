import { INTERCEPTORS_METADATA, METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import type { DynamicModule, ForwardReference, RequestMethod, Type } from '@nestjs/common';
import { MetadataScanner } from '@nestjs/core';
import { ACCESS_POLICY, type AccessPolicy } from './auth/access';
import { AccessInterceptor } from './auth/access.interceptor';
import { HANDLES_IDEMPOTENCY_KEY, WITHOUT_IDEMPOTENCY_KEY } from './common/idempotency-key';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';

type ModuleEntry = Type | DynamicModule | ForwardReference | Promise<DynamicModule> | undefined;
type Handler = (...args: never[]) => unknown;

/** The route handlers already given their interceptors (the classes are shared by every app of the process). */
const scoped = new WeakSet<Handler>();

/**
 * The access and idempotency interceptors go on the routes where they can do something, not on
 * every route as global interceptors: Nest runs the interceptors of a route through an rxjs
 * pipeline on each request, which cost the most frequent request (an event for a body, which no
 * reader may send and whose answer no lead gets narrowed) about as much as checking its token,
 * also where the interceptor let the answer pass untouched.
 *
 * They are declared as `@UseInterceptors` would declare them, on the handler and before Nest
 * scans the modules (NestFactory.create), so that every application resolves instances of its
 * own; access outside, idempotency inside, as they ran globally. Each handler once per process.
 * A route that honours the key in its handler (`@HandlesIdempotencyKey()`) goes without the
 * idempotency interceptor.
 */
export function scopeInterceptors(root: ModuleEntry): void {
  const scanner = new MetadataScanner();
  for (const controller of controllersOf(root)) {
    for (const name of scanner.getAllMethodNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, Handler>)[name];
      if (scoped.has(handler) || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      scoped.add(handler);
      const interceptors: Type[] = [];
      if (AccessInterceptor.mayNarrow(routeMetadata<AccessPolicy>(ACCESS_POLICY, handler, controller))) interceptors.push(AccessInterceptor);
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      const keyElsewhere = routeMetadata<boolean>(WITHOUT_IDEMPOTENCY_KEY, handler, controller) || routeMetadata<boolean>(HANDLES_IDEMPOTENCY_KEY, handler, controller);
      if (IdempotencyInterceptor.mayApply(method, keyElsewhere === true)) {
        interceptors.push(IdempotencyInterceptor);
      }
      if (interceptors.length === 0) continue;
      const declared = (Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? []) as unknown[];
      Reflect.defineMetadata(INTERCEPTORS_METADATA, [...interceptors, ...declared], handler);
    }
  }
}

/** The route's (or else its controller's) value of a metadata key, as `Reflector.getAllAndOverride` reads it. */
export function routeMetadata<T>(key: string, handler: Handler, controller: Type): T | undefined {
  return (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as T | undefined;
}

/** The controllers of a module and of every module it imports, static and dynamic. */
function controllersOf(root: ModuleEntry): Set<Type> {
  const controllers = new Set<Type>();
  const seen = new Set<unknown>();
  const visit = (entry: ModuleEntry): void => {
    const module = entry && 'forwardRef' in entry ? (entry.forwardRef() as ModuleEntry) : entry;
    if (!module || module instanceof Promise || seen.has(module)) return;
    seen.add(module);
    const [type, dynamic] = 'module' in module ? [module.module, module] : [module as Type, undefined];
    for (const controller of [...metadataList<Type>(MODULE_METADATA.CONTROLLERS, type), ...(dynamic?.controllers ?? [])]) controllers.add(controller);
    for (const imported of [...metadataList<ModuleEntry>(MODULE_METADATA.IMPORTS, type), ...(dynamic?.imports ?? [])]) visit(imported as ModuleEntry);
  };
  visit(root);
  return controllers;
}

function metadataList<T>(key: string, type: Type): T[] {
  return (Reflect.getMetadata(key, type) ?? []) as T[];
}
