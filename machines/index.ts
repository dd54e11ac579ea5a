export * from './vocabulary';
export * from './dates';
export * from './body.events';
export * from './body.context';
export * from './body.machine';
export * from './lifecycle';
export * from './labels';
export { violations } from './body.rules';
