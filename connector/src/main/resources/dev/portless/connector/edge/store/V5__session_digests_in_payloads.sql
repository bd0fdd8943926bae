-- A browser session's id is a bearer secret (its cookie): device authorizations and authorization codes name the
-- session that approved them by the id's SHA-256 digest instead, as portless_issued_tokens already does. Rows
-- written before keep working: their ids are turned into digests here.
ALTER TABLE portless_device_grants RENAME COLUMN session_id TO session_sha256;
UPDATE portless_device_grants
    SET session_sha256 = encode(sha256(convert_to(session_sha256, 'UTF8')), 'hex')
    WHERE session_sha256 IS NOT NULL;
UPDATE portless_codes
    SET payload = ((payload::jsonb - 'session')
        || jsonb_build_object('session_sha256', encode(sha256(convert_to(payload::jsonb ->> 'session', 'UTF8')), 'hex')))::text
    WHERE kind = 'authorization' AND payload::jsonb ? 'session';
