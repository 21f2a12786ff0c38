import { beforeAll, inject } from 'vitest';
import { requireAllVariable, requirementInfo, tagOf, type Requirement } from './helpers/requirements';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The requirements vitest.config.ts found missing (test/helpers/requirements.ts). */
    missingRequirements: Requirement[];
  }
}

/**
 * Loaded before each test file when TWINPAD_REQUIRE_ALL=1 and something is
 * missing: a file that needs a missing part fails here, before its own hooks,
 * instead of being skipped. (vitest wants a destructuring pattern for a
 * hook's first argument, its fixtures; the file is the second.)
 */
beforeAll(({}, file) => {
  const missing = inject('missingRequirements').filter((r) => (file.tags ?? []).includes(tagOf(r)));
  if (missing.length === 0) return;
  const what = missing.map((r) => `${requirementInfo[r].what} (${requirementInfo[r].how})`).join('; ');
  throw new Error(`${requireAllVariable}=1 and this file needs what is missing: ${what}`);
});
