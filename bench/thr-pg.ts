import { spawnSync } from 'node:child_process';
import { startTestPostgres } from '@stepflow/store-postgres/testing';
const pg = await startTestPostgres({ fsync: true });
try {
  const r = spawnSync(process.execPath, ['--import', 'tsx', ...(process.argv[2] === 'prof' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/thr-prof-pg'] : []), 'profile/durable-fan-out.ts', pg.url, '15'], { stdio: 'inherit' });
} finally { await pg.stop(); }
