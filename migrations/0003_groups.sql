-- Schools belong optionally to a network and to a country (ISO 3166 alpha-2, lower case).
CREATE TABLE networks (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

ALTER TABLE schools ADD COLUMN network_id TEXT REFERENCES networks (id);
ALTER TABLE schools ADD COLUMN country TEXT;

CREATE INDEX schools_network ON schools (network_id);
CREATE INDEX schools_country ON schools (country);
