-- Failed sign-ins per e-mail address, shared by every server on the database (issue 19), so that
-- several servers do not give a password guesser several times the attempts. One row per address
-- with recent failures, keyed by the SHA-256 of the normalised address (the address as typed is
-- not stored: it need not belong to an account); never a client's IP address.
--
-- The limit is a bucket of 5 that refills one a minute, kept as the time the bucket is full again
-- (`full_at_ms`, Unix milliseconds): each failure moves it one minute on (from now at the
-- earliest, at most five minutes ahead); an attempt is refused while it is more than four minutes
-- ahead. A row whose time has passed says nothing and is deleted.
CREATE TABLE sign_in_failures (
    email_hash TEXT PRIMARY KEY,
    full_at_ms BIGINT NOT NULL
);

CREATE INDEX sign_in_failures_full_at ON sign_in_failures (full_at_ms);
