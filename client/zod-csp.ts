import { config } from 'zod/v4/core';

/**
 * What `import … from 'zod'` means in the client build (vite.config.ts aliases it here).
 * zod decides at schema construction whether to compile object parsers with
 * `new Function`, probing for eval first; under our CSP (script-src 'self', no
 * 'unsafe-eval') the probe is a reported violation even though zod catches it. This
 * module sets jitless before any module that imports zod can build a schema: each of
 * them runs after this body. Jitless parsing is plenty fast for the client's payloads.
 */
config({ jitless: true });

export * from 'zod/v4';
export { default } from 'zod/v4';
