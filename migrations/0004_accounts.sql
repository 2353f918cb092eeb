-- Accounts of staff who run Reflect (respondents never have one): admins, school coordinators,
-- researchers and workshop facilitators. Passwords are stored only as argon2id hashes.
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The schools whose results a coordinator may see.
CREATE TABLE user_schools (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    school_id TEXT NOT NULL REFERENCES schools (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, school_id)
);

-- Sign-in sessions (tower-sessions records as JSON); expires_at in Unix seconds.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_expiry ON sessions (expires_at);
