/**
 * User and token administration straight on the local database, for the CLI: how the first
 * admin comes about, when no token exists yet. Whoever can open the database can do this
 * anyway; what is done is stored with `created_by = cli:<OS user>`.
 */
import { userInfo } from 'node:os';
import type { AppConfig } from '../../config/configuration';
import { DEFAULT_AUTH } from '../../config/configuration';
import { Database } from '../database/database';
import { AuthService } from './auth.service';
import { AuthStore } from './auth.store';
import { SecurityLog, discardSink } from './security-log';

export function localOperator(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export async function withLocalAuth<T>(config: AppConfig, work: (auth: AuthService) => Promise<T>): Promise<T> {
  const db = await Database.open(config.database);
  try {
    const auth = new AuthService(new AuthStore(db), config.auth ?? DEFAULT_AUTH, () => new Date(), new SecurityLog(discardSink, () => new Date()));
    return await work(auth);
  } finally {
    await db.close();
  }
}
