-- madoguchi 0001: consultation requests, the unanswered log and monthly tallies.
-- Portable SQL (SQLite and PostgreSQL): text ids, times as Unix seconds in BIGINT, no
-- booleans, no sequences.
CREATE TABLE IF NOT EXISTS consultations (
    id TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    status TEXT NOT NULL,
    name TEXT,
    organization TEXT,
    contact TEXT,
    preferred_time TEXT,
    message TEXT,
    conversation TEXT,
    note TEXT,
    purged_at BIGINT
);
CREATE INDEX IF NOT EXISTS consultations_by_created ON consultations (created_at);

CREATE TABLE IF NOT EXISTS unanswered (
    question TEXT NOT NULL,
    reason TEXT NOT NULL,
    count BIGINT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    PRIMARY KEY (question, reason)
);
CREATE INDEX IF NOT EXISTS unanswered_by_last_seen ON unanswered (last_seen);

CREATE TABLE IF NOT EXISTS tallies (
    month TEXT NOT NULL,
    kind TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (month, kind)
);
