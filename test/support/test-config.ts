import { DEFAULT_AUTH, DEFAULT_ISSUERS, type AppConfig, type DatabaseConfig } from '../../config/configuration';

/** The secretariat's API token in every test app (GREMIENLAUF_BOOTSTRAP_TOKEN): `t.http` sends it. */
export const TEST_SECRETARIAT_TOKEN = 'test-bootstrap-token-0123456789abcdef0123456789abcdef';

/** The service's configuration in tests and benchmarks: on `database`, no example seed, the test token, no security log. */
export function testConfig(database: DatabaseConfig, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    database,
    issuers: DEFAULT_ISSUERS,
    seedExample: false,
    bodyLimit: 1024 * 1024,
    // No security-log lines between the test results; startTestApp collects them instead.
    auth: { ...DEFAULT_AUTH, bootstrapToken: TEST_SECRETARIAT_TOKEN, securityLog: 'off' },
    ...overrides,
  };
}
