import type { Provider } from '@nestjs/common';
import { ENVIRONMENT } from './environment';
import { loadRemindersConfig } from './reminders';

/** The validated configuration of deadlines, reminders and their delivery. */
export const REMINDERS_CONFIG = 'REMINDERS_CONFIG';

/**
 * Marks an application context that runs a simulation: its scheduler and dispatcher never
 * start on their own and nothing is delivered.
 */
export const SIMULATION_MODE = 'SIMULATION_MODE';

export const remindersConfigProvider: Provider = {
  provide: REMINDERS_CONFIG,
  useFactory: (env: NodeJS.ProcessEnv) => loadRemindersConfig(env),
  inject: [ENVIRONMENT],
};
