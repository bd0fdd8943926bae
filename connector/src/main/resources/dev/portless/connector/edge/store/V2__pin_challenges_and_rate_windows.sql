-- PIN challenges and the rate windows that limit PIN mails, shared so a PIN sent by one edge can be answered
-- at another and the tries and mail limits add up across edges. A challenge's PIN is stored as the SHA-256 of
-- the challenge id and the PIN; the id itself only as its digest, so a read of the database cannot test PINs.
CREATE TABLE portless_pin_challenges (
    id_sha256     text        PRIMARY KEY,
    pin_sha256    text        NOT NULL,
    email         text        NOT NULL,
    return_to     text        NOT NULL,
    attempts_left integer     NOT NULL,
    expires_at    timestamptz NOT NULL
);

CREATE TABLE portless_rate_windows (
    bucket_sha256 text        PRIMARY KEY,
    used          integer     NOT NULL,
    expires_at    timestamptz NOT NULL
);
