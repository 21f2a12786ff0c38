import { readFileSync } from 'node:fs';

/**
 * Open-file limits for the bench's own processes. Every socket is a file
 * descriptor: the capacity scenario's server holds 10,000 of them, and each
 * client process its share.
 *
 * How the limit is raised, and where it stops:
 * - Node raises its own soft limit (RLIMIT_NOFILE) to the hard limit at start,
 *   so a Node process gets `ulimit -Hn` whatever the shell's `ulimit -Sn` says.
 * - The bench spawns its servers and client processes through
 *   `bash -c 'ulimit -n WANT || ulimit -Sn $(ulimit -Hn); exec node ...'`
 *   (`wrapWithFdLimit`), which also lifts the HARD limit where that is allowed
 *   (root with CAP_SYS_RESOURCE, or a hard limit already above WANT). Without
 *   that right the hard limit stays as it is, and Node uses it.
 * - After the start, `assertFdLimit` reads the process's limit from
 *   /proc/PID/limits and stops the bench with the numbers if it is too low,
 *   rather than letting 10,000 connects fail with EMFILE half way. To raise the
 *   hard limit for good: `ulimit -Hn 65536` as root before `npm run bench`, or
 *   `nofile` in /etc/security/limits.conf, or `LimitNOFILE=` for a systemd unit.
 */

/** What the bench asks for: enough for 10,000 sockets and the process's own files, with room to spare. */
export const WANTED_FDS = 65_536;

/** `command args...` run through bash with the open-file limit raised as far as allowed. */
export function wrapWithFdLimit(command: string, args: readonly string[], want = WANTED_FDS): { command: string; args: string[] } {
  const script = `ulimit -n ${want} 2>/dev/null || ulimit -Sn "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"`;
  return { command: 'bash', args: ['-c', script, command, ...args] };
}

/** The soft open-file limit of a running process (Infinity for "unlimited"). */
export function openFileLimit(pid: number | 'self'): number {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1]?.trim();
  if (soft === undefined) throw new Error(`no open-file limit for process ${pid}`);
  return soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft);
}

/** Throws, with what to do, when process `pid` cannot hold `sockets` sockets and `spare` other files. */
export function assertFdLimit(pid: number | 'self', what: string, sockets: number, spare = 512): void {
  const limit = openFileLimit(pid);
  if (limit >= sockets + spare) return;
  throw new Error(
    `${what} may open only ${limit} files, and the capacity scenario needs ${sockets} sockets plus about ${spare} other files. ` +
      `Raise the hard limit before the bench (as root: ulimit -Hn ${WANTED_FDS}), or run a smaller ramp (--quick).`,
  );
}
