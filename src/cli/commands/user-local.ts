/** What `user` and `token` share: over the API with --url, else straight on the local database. */
import type { AuthService } from '../../auth/auth.service';
import { DomainError } from '../../common/errors';
import type { CommandContext } from '../command';
import { RefusedError } from '../errors';
import { databaseUnreachable } from '../connection';
import { configFrom, databaseSource } from '../local';

export function remote(ctx: CommandContext): boolean {
  return typeof ctx.options.url === 'string' || Boolean(ctx.env.GREMIENLAUF_URL);
}

/**
 * Whether `user` and `token` go through the API: with --url, and with a token (--token,
 * GREMIENLAUF_TOKEN) on the local database too, where they act as the token's user with its
 * rights, as every other command does. Only without either do they act as the operator.
 */
export function throughApi(ctx: CommandContext): boolean {
  return remote(ctx) || typeof ctx.options.token === 'string' || Boolean(ctx.env.GREMIENLAUF_TOKEN);
}

/** Runs `work` on the local database's users and tokens, as the OS user (`cli:<name>`): without --url and without a token. */
export async function onLocalDatabase<T>(ctx: CommandContext, work: (auth: AuthService, by: string) => Promise<T>): Promise<T> {
  // Required only here, so that help starts without the database driver.
  const { localOperator, withLocalAuth }: typeof import('../../auth/local-auth') = require('../../auth/local-auth');
  const config = configFrom(ctx.env);
  let opened = false;
  try {
    return await withLocalAuth(config, async (auth) => {
      opened = true;
      try {
        return await work(auth, localOperator());
      } catch (error) {
        // A refusal of the service (validation, unknown user, duplicate): exit code 1, details with --json.
        if (error instanceof DomainError) throw new RefusedError(error.message, { details: error.details });
        throw error;
      }
    });
  } catch (error) {
    // Only a failure to open is the database's; what the work ran into is reported as it is.
    throw (!opened && databaseUnreachable(config.database, databaseSource(ctx.options, ctx.env), error)) || error;
  }
}
