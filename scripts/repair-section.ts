import { parseArgs } from 'node:util';
import { repairSection } from '../server/commands/repair-section';
import { configFromProcess } from '../server/config';
import { CommandRefused, openCommandDatabase } from '../server/db/backup-target';
import { AppError } from '../server/errors';
import { EventBus } from '../server/events';

/**
 * `npm run repair-section -- SECTION_ID [--name "Before repair"]`
 * (or `node --import tsx scripts/repair-section.ts SECTION_ID`): repairs a
 * section whose stored document nests deeper than `limits.maxDocumentDepth`
 * (SEC10, server/commands/repair-section.ts) in the database config points at
 * (DATABASE_URL, else DATA_DIR). A PGlite directory a server holds is refused:
 * stop that server first. With Postgres, run it while nobody has the section
 * open (a loaded room keeps its old copy until it unloads).
 * Exit 0 when repaired or already within the limit, 2 when refused, 1 on failure.
 */
async function main(): Promise<string> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { name: { type: 'string' } } });
  const sectionId = positionals[0];
  if (!sectionId || positionals.length > 1) throw new CommandRefused('usage: npm run repair-section -- SECTION_ID [--name NAME]');
  const { db, where } = await openCommandDatabase(configFromProcess(), 'backup');
  try {
    // No live sockets in this process: nothing to close here.
    const ctx = { db, events: new EventBus(), collab: { closeSection: () => 0 } };
    const outcome = await repairSection(ctx, sectionId, values.name ? { snapshotName: values.name } : {});
    switch (outcome.kind) {
      case 'within-limit':
        return `section ${sectionId} in ${where} is within the depth limit: nothing to repair`;
      case 'repaired':
        return `section ${sectionId} in ${where} repaired (a node was at level ${outcome.levelBefore}); the old document is kept in snapshot ${outcome.backupSnapshotId}`;
      default: {
        const never: never = outcome;
        return never;
      }
    }
  } finally {
    await db.close();
  }
}

main().then(
  (line) => {
    console.log(`twinpad repair-section: ${line}`);
    process.exit(0);
  },
  (err: unknown) => {
    if (err instanceof CommandRefused || err instanceof AppError) {
      console.error(`twinpad repair-section: refused: ${err.message}`);
      process.exit(2);
    }
    console.error('twinpad repair-section: failed:', err);
    process.exit(1);
  },
);
