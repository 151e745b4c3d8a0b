import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { localRunner } from '../../src/runner/local.js';
import { decodeJson, encodeJson } from '../../src/runner/json.js';
import { runnerContract } from './contract.js';

runnerContract('localRunner', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jobcharts-local-'));
  const file = join(dir, 'jobs.db');
  return {
    runner: (config) => localRunner({ ...config, file, pollMs: 10, leaseMs: 2_000 }),
    async dump() {
      // The database, its write-ahead log and shared memory: whatever SQLite has written.
      return ['', '-wal', '-shm']
        .map((suffix) => {
          try {
            return readFileSync(file + suffix).toString('latin1');
          } catch {
            return '';
          }
        })
        .join('\n');
    },
    async tamper(id, change) {
      const db = new Database(file);
      const row = db.prepare('SELECT input, snapshot FROM jobs WHERE id = ?').get(id) as { input: string; snapshot: string };
      const input = decodeJson<{ baseUrl: string }>(row.input);
      const snapshot = decodeJson<{ context: Record<string, unknown> }>(row.snapshot);
      if (change.baseUrl) input.baseUrl = snapshot.context.baseUrl = change.baseUrl;
      if (change.schemaVersion) snapshot.context.schemaVersion = change.schemaVersion;
      db.prepare('UPDATE jobs SET input = ?, snapshot = ? WHERE id = ?').run(encodeJson(input), encodeJson(snapshot), id);
      db.close();
    },
    async close() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

it('localRunner without a database file says so (a JavaScript caller has no type to tell it)', () => {
  for (const file of [undefined, '', 42]) {
    expect(() => localRunner({ file } as never)).toThrow(/localRunner needs `file`: the database file/);
  }
});
