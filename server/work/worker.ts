import { runJob, type JobKind, type JobResult, type WorkJob } from './jobs';

/**
 * The work pool's thread entry (piscina calls the default export once per
 * job). The compiled server bundles it as dist-server/work-worker.js; from
 * TypeScript sources the pool starts it through source-worker.mjs.
 */
export default function work(job: WorkJob): Promise<JobResult<JobKind>> {
  return runJob(job);
}
