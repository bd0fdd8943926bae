-- The sign-ins in progress, shared so a sign-in started at one edge can finish at another: anonymous browser
-- sessions (their forms may be posted to any edge) and device authorizations (RFC 8628). Device and user codes
-- are bearer secrets: only their SHA-256 digests are kept. OIDC logins in progress use portless_codes (kind
-- oidc_login), named by the digest of their state and the browser session together.
CREATE TABLE portless_anonymous_sessions (
    id_sha256  text        PRIMARY KEY,
    csrf       text        NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE portless_device_grants (
    device_sha256 text        PRIMARY KEY,
    user_sha256   text        NOT NULL UNIQUE,
    app           text        NOT NULL,
    client        text        NOT NULL,
    user_agent    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    kept_until    timestamptz NOT NULL,
    status        text        NOT NULL,
    identity      text,
    session_id    text,
    poll_interval integer     NOT NULL,
    last_poll     timestamptz
);
