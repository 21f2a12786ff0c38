import { configFromProcess } from '../server/config';
import { BackupRefused } from '../server/db/backup';
import { CommandRefused, openCommandDatabase } from '../server/db/backup-target';
import type { Sql } from '../server/db/sql';

export type DatabaseCommand = 'backup' | 'restore';

/** Opens the database config points at, runs `work` on it and closes it; `work` returns the line to print. */
export async function withCommandDatabase(command: DatabaseCommand, work: (db: Sql, where: string) => Promise<string>): Promise<string> {
  const t0 = performance.now();
  const { db, where } = await openCommandDatabase(configFromProcess(), command);
  try {
    return `${await work(db, where)} (${Math.round(performance.now() - t0)} ms)`;
  } finally {
    await db.close();
  }
}

/** Prints the command's outcome as one line and exits: 0 done, 2 refused (nothing changed), 1 failed. */
export function exitWith(command: DatabaseCommand, outcome: Promise<string>): void {
  outcome.then(
    (line) => {
      console.log(`twinpad ${command}: ${line}`);
      process.exit(0);
    },
    (err: unknown) => {
      if (err instanceof CommandRefused || err instanceof BackupRefused) {
        console.error(`twinpad ${command}: refused: ${err.message}`);
        process.exit(2);
      }
      console.error(`twinpad ${command}: failed:`, err);
      process.exit(1);
    },
  );
}
