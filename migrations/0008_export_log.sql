-- Every research export: who, when, which filters and how many rows — never the data.
CREATE TABLE export_log (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    format TEXT NOT NULL,
    filters TEXT NOT NULL,
    -- filled in when the download has been written to the end
    row_count BIGINT
);
