import { createDefaultEsmPreset } from 'ts-jest';

/** @type {import('jest').Config} */
export default {
  ...createDefaultEsmPreset({ tsconfig: '<rootDir>/tsconfig.json' }),
  testEnvironment: 'node',
  // Sources are consumed as TypeScript through this export condition; no build step before tests.
  testEnvironmentOptions: { customExportConditions: ['@reauth/source', 'node', 'node-addons'] },
  roots: ['<rootDir>/apps', '<rootDir>/packages'],
  testMatch: ['**/src/**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testTimeout: 60_000,
};
