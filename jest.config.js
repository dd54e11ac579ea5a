const ESM_PACKAGES = ['@nestjs', 'content-disposition', '@fastify/cookie', 'cookie'];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // End-to-end tests start real apps, hash passwords with argon2 and talk to real databases:
  // on a busy two-core machine that outgrows jest's 5 s default without anything being wrong.
  testTimeout: 30_000,
  roots: ['<rootDir>/machines', '<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  // NestJS 12 and a few of its dependencies ship as ES modules: swc turns them into CommonJS for jest.
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
};
