/**
 * The local runner's store: one SQLite file (better-sqlite3: synchronous, transactions are plain function calls).
 * Jobs and person events survive the process; a step's result is written only by the holder of the job's lease
 * (its token), so a step that outlived its lease cannot overwrite a newer one.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { decodeJson, encodeJson } from './json.js';
import { mayCreate, type StoredJob } from './stored-step.js';
import type { JobView, PersonEvent } from './types.js';

export interface ClaimedJob {
  job: StoredJob;
  token: string;
  events: PersonEvent[];
  /** The last event the step applies: stored with the step's result, so no event is applied twice. */
  lastSeq: number;
  /** A step before was cut off while it may have sent a create that cannot be sent twice (see `mayCreate`). */
  createMayHaveBeenSent: boolean;
}

/**
 * Every write is an IMMEDIATE transaction: it takes the write lock when it starts, so another process's writer makes
 * it wait (`busy_timeout`) instead of failing with SQLITE_BUSY when a read would have to become a write.
 */
export class SqliteJobStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    if (file !== ':memory:' && file !== '') mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    // WAL: readers (a `watch` in another process) do not block the writer; `synchronous = FULL`: a step
    // reported stored is on disk, so a power cut does not lose it.
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS jobs (
        id TEXT PRIMARY KEY,
        provider TEXT NOT NULL,
        key_ref TEXT,
        input TEXT NOT NULL,
        snapshot TEXT,
        view TEXT NOT NULL,
        status TEXT NOT NULL,
        due_at INTEGER,
        lease_token TEXT,
        lease_until INTEGER,
        applied_seq INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 0,
        create_sent INTEGER NOT NULL DEFAULT 0,
        ended_at INTEGER
      );
      CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, due_at);
      CREATE TABLE IF NOT EXISTS events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id TEXT NOT NULL,
        event TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS events_job ON events (job_id, seq);
    `);
  }

  insert(job: StoredJob, view: JobView, dueAt: number | null): void {
    this.db
      .prepare(
        `INSERT INTO jobs (id, provider, key_ref, input, snapshot, view, status, due_at, ended_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(job.id, job.provider, job.keyRef ?? null, encodeJson(job.input), view.status === 'done' ? null : encodeJson(job.snapshot),
        encodeJson(view), view.status, dueAt, view.status === 'done' ? Date.now() : null);
  }

  /** Stores a person's event and makes the job due now; false when the job has ended or is unknown. */
  addEvent(id: string, event: PersonEvent, now: number): 'stored' | 'ended' | 'unknown' {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT status FROM jobs WHERE id = ?').get(id) as { status: string } | undefined;
      if (!row) return 'unknown' as const;
      if (row.status === 'done') return 'ended' as const;
      this.db.prepare('INSERT INTO events (job_id, event) VALUES (?, ?)').run(id, encodeJson(event));
      this.db.prepare('UPDATE jobs SET due_at = MIN(COALESCE(due_at, ?), ?) WHERE id = ?').run(now, now, id);
      return 'stored' as const;
    }).immediate();
  }

  /** Leases up to `limit` due jobs (not leased, or whose lease ran out: their holder died). */
  claimDue(now: number, wallNow: number, leaseMs: number, limit: number): ClaimedJob[] {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT * FROM jobs WHERE status = 'active' AND due_at IS NOT NULL AND due_at <= ?
           AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?`,
        )
        .all(now, wallNow, limit) as JobRow[];
      return rows.map((row) => {
        const token = randomUUID();
        const job = storedJobOf(row);
        this.db.prepare('UPDATE jobs SET lease_token = ?, lease_until = ? WHERE id = ?').run(token, wallNow + leaseMs, row.id);
        const events = this.db
          .prepare('SELECT seq, event FROM events WHERE job_id = ? AND seq > ? ORDER BY seq')
          .all(row.id, row.applied_seq) as { seq: number; event: string }[];
        return {
          job,
          token,
          createMayHaveBeenSent: mayCreate(job) && row.create_sent === 1,
          events: events.map((e) => decodeJson<PersonEvent>(e.event)),
          lastSeq: events.length ? events[events.length - 1].seq : row.applied_seq,
        };
      });
    }).immediate();
  }

  /**
   * Whether the step still holds the job's lease, checked as a request leaves; `markCreate`: the request is a create
   * that cannot be sent twice, marked in the same write (see `mayCreate`).
   */
  holds(id: string, token: string, markCreate: boolean): boolean {
    if (markCreate) return this.db.prepare('UPDATE jobs SET create_sent = 1 WHERE id = ? AND lease_token = ?').run(id, token).changes === 1;
    return this.db.prepare('SELECT 1 FROM jobs WHERE id = ? AND lease_token = ?').get(id, token) !== undefined;
  }

  /**
   * Stores a snapshot in the middle of a step, while the step holds the lease: with the events it applied (and
   * without a create mark, once the snapshot holds the job's id: the create was answered).
   */
  checkpoint(id: string, token: string, snapshot: unknown, lastSeq: number): boolean {
    return this.db.transaction(() => {
      const created = (snapshot as { context?: { jobId?: unknown } } | null)?.context?.jobId != null;
      const changed = this.db
        .prepare('UPDATE jobs SET snapshot = ?, applied_seq = ?, create_sent = CASE WHEN ? THEN 0 ELSE create_sent END WHERE id = ? AND lease_token = ?')
        .run(encodeJson(snapshot), lastSeq, created ? 1 : 0, id, token);
      if (changed.changes !== 1) return false;
      this.db.prepare('DELETE FROM events WHERE job_id = ? AND seq <= ?').run(id, lastSeq);
      return true;
    }).immediate();
  }

  /** Keeps a long step's lease; false when it is no longer this step's. */
  renew(id: string, token: string, until: number): boolean {
    return this.db.prepare('UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_token = ?').run(until, id, token).changes === 1;
  }

  /**
   * Writes a step's result if the step still holds the job's lease, in one transaction: snapshot, view, when the
   * next step is due (now, if events came in meanwhile), and the events applied, which are then deleted.
   */
  commit(id: string, token: string, step: { snapshot: unknown; view: JobView; dueAt: number | null; lastSeq: number }, now: number): boolean {
    return this.db.transaction(() => {
      const done = step.view.status === 'done';
      const pending = this.db.prepare('SELECT 1 FROM events WHERE job_id = ? AND seq > ? LIMIT 1').get(id, step.lastSeq) !== undefined;
      const dueAt = done ? null : pending ? now : step.dueAt;
      const changed = this.db
        .prepare(
          `UPDATE jobs SET snapshot = ?, view = ?, status = ?, due_at = ?, applied_seq = ?, lease_token = NULL, lease_until = NULL,
             version = version + 1, create_sent = 0, ended_at = ? WHERE id = ? AND lease_token = ?`,
        )
        .run(done ? null : encodeJson(step.snapshot), encodeJson(step.view), step.view.status, dueAt, step.lastSeq, done ? Date.now() : null, id, token);
      if (changed.changes !== 1) return false;
      this.db.prepare(done ? 'DELETE FROM events WHERE job_id = ?' : 'DELETE FROM events WHERE job_id = ? AND seq <= ?').run(
        ...(done ? [id] : [id, step.lastSeq]),
      );
      return true;
    }).immediate();
  }

  /** Gives a job back without a step (left for a newer worker, or a step that failed): due again at `dueAt`. */
  release(id: string, token: string, dueAt: number): void {
    this.db.prepare('UPDATE jobs SET lease_token = NULL, lease_until = NULL, due_at = ? WHERE id = ? AND lease_token = ?').run(dueAt, id, token);
  }

  view(id: string): { view: JobView; version: number } | undefined {
    const row = this.db.prepare('SELECT view, version FROM jobs WHERE id = ?').get(id) as { view: string; version: number } | undefined;
    return row && { view: decodeJson<JobView>(row.view), version: row.version };
  }

  /** When the next job not leased is due (null: none is). */
  nextDueAt(wallNow: number): number | null {
    const row = this.db
      .prepare(`SELECT MIN(due_at) AS at FROM jobs WHERE status = 'active' AND due_at IS NOT NULL AND (lease_until IS NULL OR lease_until < ?)`)
      .get(wallNow) as { at: number | null };
    return row.at;
  }

  /** The soonest a lease held by a dead process runs out (null: none is held). */
  nextLeaseEnd(): number | null {
    const row = this.db.prepare(`SELECT MIN(lease_until) AS at FROM jobs WHERE status = 'active' AND lease_until IS NOT NULL`).get() as { at: number | null };
    return row.at;
  }

  /** Forgets ended jobs (and their outcomes: signed download links among them) older than `before`. */
  purgeEnded(before: number): number {
    return this.db.prepare(`DELETE FROM jobs WHERE status = 'done' AND ended_at < ?`).run(before).changes;
  }

  close(): void {
    this.db.close();
  }
}

interface JobRow {
  id: string;
  provider: string;
  key_ref: string | null;
  input: string;
  snapshot: string | null;
  applied_seq: number;
  create_sent: number;
}

function storedJobOf(row: JobRow): StoredJob {
  const job: StoredJob = { id: row.id, provider: row.provider, input: decodeJson(row.input), snapshot: row.snapshot === null ? null : decodeJson(row.snapshot) };
  if (row.key_ref !== null) job.keyRef = row.key_ref;
  return job;
}
