-- Administrators' sign-outs (`connector revoke`): an identity's tokens and browser sessions from up to signed_out_at
-- are refused at every edge. app is empty for every app. A row is kept until no token or session it refuses can
-- still be alive.
CREATE TABLE portless_identity_sign_outs (
    identity      text        NOT NULL,
    app           text        NOT NULL,
    signed_out_at timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (identity, app)
);
