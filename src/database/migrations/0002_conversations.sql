-- madoguchi 0002: conversations (keyed by a digest of the session id, never the id) and their
-- turns, with the feedback given on each answer.
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    session_key TEXT NOT NULL UNIQUE,
    started_at BIGINT NOT NULL,
    last_at BIGINT NOT NULL,
    turns BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_by_last_at ON conversations (last_at);

CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL,
    n BIGINT NOT NULL,
    at BIGINT NOT NULL,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL,
    programs TEXT NOT NULL,
    helpful BIGINT,
    comment TEXT,
    PRIMARY KEY (conversation_id, n)
);
