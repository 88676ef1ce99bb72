"""Payments II: the VIN registry, vehicle ownership periods and ownership transfers.

Invariants kept by PostgreSQL itself:

- `vehicle`: one active registration per identifier (a VIN or a chassis number, stored
  normalised: capitals, no surrounding spaces) - a unique partial index on `identifier`
  where `status = 'active'`. `key` is a bigint identity used only inside the database
  (the exclusion constraint below); `id` (uuid) is the public id. Each vehicle has its own
  ledger account (`account.kind = 'vehicle'`), owned by the vehicle's owner: the foreign
  key (account_id, owner_id) -> account (id, owner_id), checked at commit, keeps the two
  owners equal.
- `vehicle_ownership`: who owned a vehicle when, as `tstzrange` periods `[started, ended)`.
  Two periods of one vehicle never overlap: `EXCLUDE USING gist (int8range(vehicle_key,
  vehicle_key, '[]') WITH &&, period WITH &&)` (a range over the key stands in for the
  equality operator, which needs btree_gist). An open period (no end) is the current owner.
- `vehicle_transfer`: ownership offers (open -> accepted | declined | cancelled) and forced
  transfers by staff (`forced`, reason mandatory); at most one open offer per vehicle (a
  unique partial index).

Revision ID: 0016_vehicles
Revises: 0015_payments_ii_permissions
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0016_vehicles"
down_revision = "0015_payments_ii_permissions"
branch_labels = None
depends_on = None

SCHEMA = r"""
-- The target of vehicle's (account_id, owner_id) foreign key: a vehicle and its token
-- account always have the same owner (checked at commit: both change in one transaction).
ALTER TABLE account ADD CONSTRAINT uq_account_id_owner_id UNIQUE (id, owner_id);

CREATE TABLE vehicle (
    key bigint GENERATED ALWAYS AS IDENTITY,
    id uuid NOT NULL,
    identifier text NOT NULL,
    identifier_type text NOT NULL,
    check_digit_valid boolean,
    manufacturer text,
    country text,
    model_year integer,
    make text,
    model text,
    year integer,
    colour text,
    registration_number text,
    owner_id uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    account_id uuid NOT NULL REFERENCES account (id) ON DELETE RESTRICT,
    status text NOT NULL DEFAULT 'active',
    registered_by uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    created_at timestamptz NOT NULL DEFAULT now(),
    deregistered_at timestamptz,
    CONSTRAINT pk_vehicle PRIMARY KEY (key),
    CONSTRAINT uq_vehicle_id UNIQUE (id),
    CONSTRAINT uq_vehicle_account_id UNIQUE (account_id),
    CONSTRAINT fk_vehicle_account_owner FOREIGN KEY (account_id, owner_id) REFERENCES account (id, owner_id)
        DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT ck_vehicle_identifier_type CHECK (
        (identifier_type = 'vin' AND length(identifier) = 17 AND identifier ~ '^[A-HJ-NPR-Z0-9]{17}$')
        OR (identifier_type = 'chassis' AND length(identifier) BETWEEN 9 AND 12
            AND check_digit_valid IS NULL)
    ),
    CONSTRAINT ck_vehicle_status CHECK (status IN ('active', 'deregistered')),
    CONSTRAINT ck_vehicle_deregistered CHECK ((status = 'deregistered') = (deregistered_at IS NOT NULL)),
    CONSTRAINT ck_vehicle_year CHECK (year IS NULL OR year BETWEEN 1886 AND 2100),
    CONSTRAINT ck_vehicle_texts CHECK (
        coalesce(length(make), 0) <= 100 AND coalesce(length(model), 0) <= 100
        AND coalesce(length(colour), 0) <= 50 AND coalesce(length(registration_number), 0) <= 20
    )
);
CREATE UNIQUE INDEX uq_vehicle_identifier_active ON vehicle (identifier) WHERE status = 'active';
CREATE INDEX ix_vehicle_owner_id ON vehicle (owner_id, created_at);
COMMENT ON TABLE vehicle IS
    'Payments: the VIN registry; one active registration per VIN or chassis number, each with its token account.';

CREATE TABLE vehicle_transfer (
    id uuid NOT NULL,
    vehicle_key bigint NOT NULL REFERENCES vehicle (key) ON DELETE RESTRICT,
    from_owner_id uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    to_user_id uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    status text NOT NULL,
    offered_by uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_by uuid REFERENCES user_account (id) ON DELETE RESTRICT,
    decided_at timestamptz,
    CONSTRAINT pk_vehicle_transfer PRIMARY KEY (id),
    CONSTRAINT ck_vehicle_transfer_status
        CHECK (status IN ('open', 'accepted', 'declined', 'cancelled', 'forced')),
    CONSTRAINT ck_vehicle_transfer_parties CHECK (from_owner_id <> to_user_id),
    CONSTRAINT ck_vehicle_transfer_forced_reason
        CHECK (status <> 'forced' OR length(btrim(coalesce(reason, ''))) > 0),
    CONSTRAINT ck_vehicle_transfer_decided CHECK ((status = 'open') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX uq_vehicle_transfer_open ON vehicle_transfer (vehicle_key) WHERE status = 'open';
CREATE INDEX ix_vehicle_transfer_vehicle_key ON vehicle_transfer (vehicle_key, created_at);
COMMENT ON TABLE vehicle_transfer IS
    'Payments: vehicle ownership offers (at most one open per vehicle) and forced transfers by staff.';

CREATE TABLE vehicle_ownership (
    id bigint GENERATED ALWAYS AS IDENTITY,
    vehicle_key bigint NOT NULL REFERENCES vehicle (key) ON DELETE RESTRICT,
    owner_id uuid NOT NULL REFERENCES user_account (id) ON DELETE RESTRICT,
    period tstzrange NOT NULL,
    transfer_id uuid REFERENCES vehicle_transfer (id) ON DELETE RESTRICT,
    CONSTRAINT pk_vehicle_ownership PRIMARY KEY (id),
    CONSTRAINT ck_vehicle_ownership_period
        CHECK (NOT isempty(period) AND NOT lower_inf(period) AND lower_inc(period) AND NOT upper_inc(period)),
    CONSTRAINT ex_vehicle_ownership_overlap EXCLUDE USING gist (
        int8range(vehicle_key, vehicle_key, '[]') WITH &&,
        period WITH &&
    )
);
COMMENT ON TABLE vehicle_ownership IS
    'Payments: ownership periods [started, ended) of each vehicle; periods of one vehicle never overlap.';
"""

DOWNGRADE = """
DROP TABLE IF EXISTS vehicle_ownership;
DROP TABLE IF EXISTS vehicle_transfer;
DROP TABLE IF EXISTS vehicle;
DELETE FROM account WHERE kind = 'vehicle';
ALTER TABLE account DROP CONSTRAINT IF EXISTS uq_account_id_owner_id;
"""


def upgrade() -> None:
    op.execute(SCHEMA)


def downgrade() -> None:
    op.execute(DOWNGRADE)
