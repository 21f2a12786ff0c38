import { defineConfig, type ViteUserConfig } from 'vitest/config';
import { missingRequirements, requireAll, requirementTags } from './test/helpers/requirements.ts';

export default defineConfig(async (): Promise<ViteUserConfig> => {
  // Probed once per run: Postgres, Redis, redis-server and Chromium (test/helpers/requirements.ts).
  const missing = await missingRequirements(process.env);
  const strict = requireAll(process.env);
  return {
    test: {
      reporters: ['default', './test/summary-reporter.ts'],
      pool: 'forks',
      maxWorkers: 2,
      globalSetup: ['./test/global-setup.ts'],
      tags: requirementTags(missing, strict),
      provide: { missingRequirements: missing },
      setupFiles: strict && missing.length > 0 ? ['./test/require-all.ts'] : [],
      projects: [
        {
          extends: true,
          test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 },
        },
        {
          extends: true,
          test: {
            name: 'integration',
            include: ['test/integration/**/*.test.ts'],
            testTimeout: 60_000,
            hookTimeout: 60_000,
          },
        },
        {
          extends: true,
          test: {
            name: 'e2e',
            include: ['test/e2e/**/*.test.ts'],
            testTimeout: 90_000,
            hookTimeout: 90_000,
            fileParallelism: false,
          },
        },
      ],
    },
  };
});
