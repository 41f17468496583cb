-- Flotilla trust (issue 4): enrollment tokens, enrollment requests, issued certificates, participant
-- standing and the governance policy. Adds to V1 only; the audit chain stays in audit_log.

-- The CA, its tokens and enrollments are per state directory: an enrollment may be made before the
-- federation row exists, so the federation reference becomes optional and a name is kept instead.
ALTER TABLE enrollments ALTER COLUMN federation_id SET NULL;
ALTER TABLE enrollments ADD COLUMN federation       VARCHAR(200);
ALTER TABLE enrollments ADD COLUMN role             VARCHAR(20) DEFAULT 'participant' NOT NULL;
ALTER TABLE enrollments ADD COLUMN device_class     VARCHAR(200);
ALTER TABLE enrollments ADD COLUMN region           VARCHAR(200);
ALTER TABLE enrollments ADD COLUMN consent          BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE enrollments ADD COLUMN public_key_sha256 VARCHAR(64);
ALTER TABLE enrollments ADD COLUMN reason           CLOB;

-- One-time enrollment tokens; only the SHA-256 of a token is kept.
CREATE TABLE enrollment_tokens (
  token_sha256     VARCHAR(64) NOT NULL PRIMARY KEY,
  role             VARCHAR(20) NOT NULL,
  participant_name VARCHAR(200),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  created_by       VARCHAR(200) NOT NULL,
  expires_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  used_at          TIMESTAMP WITH TIME ZONE,
  enrollment_id    BIGINT
);

-- Every certificate the CA issued; revocation is a status here (the coordinator's revocation list).
CREATE TABLE certificates (
  serial        VARCHAR(100) NOT NULL PRIMARY KEY,
  subject       VARCHAR(200) NOT NULL,
  role          VARCHAR(20) NOT NULL,
  not_before    TIMESTAMP WITH TIME ZONE NOT NULL,
  not_after     TIMESTAMP WITH TIME ZONE NOT NULL,
  certificate_pem CLOB NOT NULL,
  enrollment_id BIGINT,
  status        VARCHAR(20) NOT NULL,               -- VALID, REVOKED
  revoked_at    TIMESTAMP WITH TIME ZONE,
  revoke_reason CLOB
);
CREATE INDEX certificates_subject ON certificates (subject);

-- Operator decisions about a participant that outlive a session: SUSPENDED, REVOKED, CONSENT_WITHDRAWN.
CREATE TABLE participant_standing (
  participant_id VARCHAR(200) NOT NULL PRIMARY KEY,
  standing       VARCHAR(30) NOT NULL,
  reason         CLOB,
  actor          VARCHAR(200) NOT NULL,
  changed_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- Small settings of the trust layer (the governance policy as JSON under key 'policy').
CREATE TABLE trust_settings (
  name  VARCHAR(100) NOT NULL PRIMARY KEY,
  setting_value CLOB NOT NULL
);
