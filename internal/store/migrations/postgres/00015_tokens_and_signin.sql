-- +goose Up
-- Hardening (issue 15): API tokens expire; an organisation may ask a second
-- factor of everyone who sees records about people; sign-in failures slow
-- down an account and an address instead of locking the account; failed
-- second-factor codes are counted so the user hears of them.
-- The SQLite migration of the same number builds the same tables.

ALTER TABLE organisations ADD COLUMN require_people_mfa BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
-- Tokens made before expiry existed get the default lifetime from today.
UPDATE api_tokens SET expires_at = (extract(epoch FROM now()) * 1000)::BIGINT + 90 * 86400000::BIGINT WHERE expires_at = 0;

-- Wrong second-factor codes since the user's last full sign-in.
ALTER TABLE users ADD COLUMN failed_second_factors INTEGER NOT NULL DEFAULT 0;

-- One row per key that has failed recently: an account (a hash of the email
-- typed, whether or not such a user exists) or an account from one address.
CREATE TABLE signin_throttle (
    key            TEXT    PRIMARY KEY,
    account        TEXT    NOT NULL,
    failures       INTEGER NOT NULL,
    last_failed_at BIGINT  NOT NULL,
    blocked_until  BIGINT  NOT NULL
);
CREATE INDEX signin_throttle_account ON signin_throttle (account);
CREATE INDEX signin_throttle_last ON signin_throttle (last_failed_at);

-- +goose Down
DROP TABLE signin_throttle;
ALTER TABLE users DROP COLUMN failed_second_factors;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE organisations DROP COLUMN require_people_mfa;
