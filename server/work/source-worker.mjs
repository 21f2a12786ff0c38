// The work pool's thread entry when the server runs from TypeScript sources
// (tests, `npm run dev`, the bench): a worker thread starts without the
// parent's loader, so it registers tsx itself, then loads worker.ts. The
// compiled server never loads this file: it starts dist-server/work-worker.js.
import { register } from 'tsx/esm/api';

register();
const { default: work } = await import('./worker.ts');
export default work;
