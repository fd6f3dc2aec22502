-- madoguchi 0003: one row the writer updates to learn that the database takes writes again
-- after a failure (a full disk, a read-only file), when nothing else is waiting to be written.
CREATE TABLE IF NOT EXISTS heartbeat (
    id BIGINT PRIMARY KEY,
    at BIGINT NOT NULL
);
