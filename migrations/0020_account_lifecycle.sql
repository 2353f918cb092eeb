-- Accounts over their life (issue 19). An admin can disable an account (it cannot sign in and
-- its sessions end) and enable it again; the time it was disabled is kept.
ALTER TABLE users ADD COLUMN disabled_at TEXT;

-- Sessions know their account and when they began, so that an admin can list and end them and
-- a disabled or reset account's sessions end at once. No address or browser is stored.
ALTER TABLE sessions ADD COLUMN user_id TEXT;
ALTER TABLE sessions ADD COLUMN created_at BIGINT;
CREATE INDEX sessions_user ON sessions (user_id);

-- A network coordinator sees the results of the schools of their network(s).
CREATE TABLE user_networks (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    network_id TEXT NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, network_id)
);
