-- The sign-in state the edges of one service share. Secrets that name a row (session ids, codes) are stored
-- as SHA-256 digests, so a read of the database does not yield working cookies or codes.
CREATE TABLE portless_browser_sessions (
    id_sha256  text        PRIMARY KEY,
    csrf       text        NOT NULL,
    identity   text        NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE portless_codes (
    kind        text        NOT NULL,
    code_sha256 text        NOT NULL,
    payload     text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    spent       boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (kind, code_sha256)
);

CREATE TABLE portless_issued_tokens (
    session_sha256 text        NOT NULL,
    jti            text        NOT NULL,
    expires_at     timestamptz NOT NULL,
    PRIMARY KEY (session_sha256, jti)
);

CREATE TABLE portless_revoked_tokens (
    jti        text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

CREATE TABLE portless_keys (
    kind       text        NOT NULL,
    id         text        NOT NULL,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (kind, id)
);
