-- The broker store's schema, one file for SQLite and PostgreSQL alike: only types and syntax both
-- understand (TEXT, BIGINT, INTEGER, CHECK). Times are microseconds since the epoch (BIGINT), so
-- comparisons are numeric on both databases and PostgreSQL's timestamp precision is not a limit.
-- Objects are kept whole as JSON text in `object`; the other columns exist to filter and order.

-- The single row every write transaction locks first. It hands out versions 1, 2, 3, ... in commit
-- order: a writer holds it until commit, so no later version can become visible before an earlier
-- one, which a sequence cannot promise.
CREATE TABLE store_version (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL,
  -- The oldest version whose snapshot the watch history still holds (1 until compacted).
  history_start BIGINT NOT NULL
);

INSERT INTO store_version (id, version, history_start) VALUES (1, 0, 1);

CREATE TABLE requests (
  id TEXT PRIMARY KEY,
  user_name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('PENDING', 'APPROVED', 'DENIED', 'EXPIRED')),
  created_us BIGINT NOT NULL,
  expires_us BIGINT,
  -- The version that created the request: listings are in creation order, which creation times
  -- alone cannot give when two requests share a microsecond.
  created_version BIGINT NOT NULL UNIQUE,
  resource_version BIGINT NOT NULL,
  object TEXT NOT NULL
);

CREATE INDEX requests_by_user ON requests (user_name, created_version);
CREATE INDEX requests_by_state_created ON requests (state, created_us);
CREATE INDEX requests_by_state_expires ON requests (state, expires_us);

CREATE TABLE locks (
  id TEXT PRIMARY KEY,
  target_kind TEXT NOT NULL CHECK (target_kind IN ('request', 'user', 'role', 'identity')),
  target_value TEXT NOT NULL,
  expires_us BIGINT,
  resource_version BIGINT NOT NULL,
  object TEXT NOT NULL
);

CREATE INDEX locks_by_target ON locks (target_kind, target_value);

-- One row per change: the watch history and the audit trail at once. Compaction clears `snapshot`
-- (the bulky part the watch stream needs) and keeps the row, so the audit trail stays whole.
CREATE TABLE events (
  version BIGINT PRIMARY KEY,
  time_us BIGINT NOT NULL,
  change_type TEXT NOT NULL CHECK (change_type IN ('ADDED', 'MODIFIED', 'DELETED')),
  kind TEXT NOT NULL CHECK (kind IN ('request', 'lock')),
  object_id TEXT NOT NULL,
  action TEXT NOT NULL,
  actor_name TEXT NOT NULL,
  actor_serial TEXT NOT NULL,
  reason TEXT,
  decision_id TEXT,
  snapshot TEXT
);
