// Unit tests live beside the code; e2e tests in test/ run against real MariaDB and Redis.
// NestJS 12 ships ES modules while some of its ecosystem (throttler, nestjs-pino) is still
// CommonJS and requires it; Jest on Node 20 cannot mix the two, so under Jest everything,
// including the ES-module packages, is compiled to CommonJS by ts-jest.
const shared = {
  testEnvironment: 'node',
  rootDir: '.',
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // file-type exports only ESM conditions; point Jest's CommonJS resolver at its entry.
    '^file-type$': '<rootDir>/node_modules/file-type/index.js',
  },
  transform: {
    '^.+\\.[tj]s$': [
      '<rootDir>/test/jest/esm-to-cjs.transformer.cjs',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
          target: 'ES2023',
          allowJs: true,
          isolatedModules: true,
          esModuleInterop: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          strict: true,
          strictPropertyInitialization: false,
        },
      },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|peek-readable|uint8array-extras|@tokenizer|@borewit|openid-client|oauth4webapi|jose|oidc-provider|quick-lru|nanoid|eta|koa|@koa|jsesc|oidc-token-hash|paseto)/)',
  ],
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
  testTimeout: 60000,
};
