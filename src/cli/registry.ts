/** Every command of `gremienlauf`, in the order the help lists them. A new command: one file in commands/, one line here. */
import type { CliCommand } from './command';
import { backfillCommand } from './commands/backfill';
import { backupCommand } from './commands/backup';
import { calendarFeedCommand } from './commands/calendar-feed';
import { contactCommand } from './commands/contact';
import { deadlinesCommand } from './commands/deadlines';
import { decisionCommand, decisionsCommand, recordDecisionCommand } from './commands/decisions';
import { exportCommand } from './commands/export';
import { historyCommand } from './commands/history';
import { importCommand } from './commands/import';
import { listCommand } from './commands/list';
import { reminderCommand } from './commands/reminders';
import { replayCommand } from './commands/replay';
import { sendCommand } from './commands/send';
import { serveCommand } from './commands/serve';
import { sessionCommand } from './commands/session';
import { showCommand } from './commands/show';
import { simulateCommand } from './commands/simulate';
import { stateCommand } from './commands/state';
import { tokenCommand } from './commands/token';
import { userCommand } from './commands/user';
import { verifyCommand } from './commands/verify';
import { verifyProofCommand } from './commands/verify-proof';

export const COMMANDS: CliCommand[] = [
  serveCommand,
  importCommand,
  listCommand,
  showCommand,
  sendCommand,
  historyCommand,
  stateCommand,
  replayCommand,
  deadlinesCommand,
  calendarFeedCommand,
  simulateCommand,
  reminderCommand,
  recordDecisionCommand,
  decisionsCommand,
  decisionCommand,
  sessionCommand,
  contactCommand,
  backfillCommand,
  exportCommand,
  verifyCommand,
  verifyProofCommand,
  userCommand,
  tokenCommand,
  backupCommand,
];
