-- Organisation, users, sessions, sign-in throttling and buddy grants (PostgreSQL).
-- Ids are device- or server-made UUIDs; timestamps are TIMESTAMPTZ.
CREATE TABLE trusts (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sites (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    name TEXT NOT NULL,
    UNIQUE (trust_id, name)
);

CREATE TABLE core_services (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    site_id UUID NOT NULL REFERENCES sites(id),
    name TEXT NOT NULL,
    UNIQUE (site_id, name)
);

CREATE TABLE units (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    core_service_id UUID NOT NULL REFERENCES core_services(id),
    name TEXT NOT NULL,
    ward_type TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (core_service_id, name)
);
CREATE INDEX units_trust ON units (trust_id);

CREATE TABLE users (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX users_trust ON users (trust_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE login_failures (
    email TEXT NOT NULL,
    addr TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);

CREATE TABLE buddy_grants (
    id UUID PRIMARY KEY,
    trust_id UUID NOT NULL REFERENCES trusts(id),
    reviewer_id UUID NOT NULL REFERENCES users(id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX buddy_grants_reviewer ON buddy_grants (reviewer_id);
