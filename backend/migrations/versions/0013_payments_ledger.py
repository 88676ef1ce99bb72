"""Payments: accounts, the double-entry ledger, holds, transactions, idempotency keys.

Invariants kept by PostgreSQL itself, whatever code (or person) writes:

- `posting` rows are applied by a BEFORE INSERT trigger that locks the account, numbers the
  posting within the account (`account_seq`), chains it (`hash` = SHA-256 over the previous
  posting's hash and this posting's fields) and moves the cached `account.balance`, all in
  the inserting transaction; a posting in another currency than its account is refused.
- A deferred constraint trigger checks at commit that every journal entry has at least two
  postings and that they sum to zero per currency: an unbalanced entry cannot commit.
- `journal_entry` and `posting` refuse UPDATE, DELETE and TRUNCATE: corrections are new
  entries (reversals).
- `account` has CHECK (allow_negative OR balance - held >= 0): a wallet never goes below
  zero, nor below what is held on it. Holds move `account.held` by trigger.

`payments_execute(jsonb)` is the hot path of a money movement in one statement: the
idempotency key (advisory lock: a concurrent duplicate is refused at once), the accounts
locked in id order (no deadlocks), the checks (ownership, status, currency, funds), the
transaction row, its journal entry and postings or its hold, the audit entry the
application built, and the stored response. The application decides what to post; the
function applies it or refuses it with a `PAY_`/`RES_` code (SQLSTATE P0001).

Revision ID: 0013_payments_ledger
Revises: 0012_service_requests
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_payments_ledger"
down_revision = "0012_service_requests"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(20, 8)
SYSTEM_ACCOUNTS = (("clearing", True), ("fees", False), ("suspense", True))
PERMISSIONS = (("payment:deposit", "payments", "Book deposits and withdrawals on wallets"),)
GRANTS = {"admin": {"payment:deposit": "all"}, "staff": {"payment:deposit": "all"}}

SCHEMA = r"""
CREATE TABLE account (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id uuid REFERENCES user_account (id) ON DELETE RESTRICT,
    kind text NOT NULL,
    currency char(3) NOT NULL,
    address uuid,
    balance numeric(20, 8) NOT NULL DEFAULT 0,
    held numeric(20, 8) NOT NULL DEFAULT 0,
    allow_negative boolean NOT NULL DEFAULT false,
    status text NOT NULL DEFAULT 'active',
    postings bigint NOT NULL DEFAULT 0,
    last_hash text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_account_kind CHECK (kind IN ('wallet', 'clearing', 'fees', 'suspense', 'vehicle')),
    CONSTRAINT ck_account_status CHECK (status IN ('active', 'frozen', 'closed')),
    CONSTRAINT ck_account_held CHECK (held >= 0),
    CONSTRAINT ck_account_funds CHECK (allow_negative OR balance - held >= 0),
    CONSTRAINT uq_account_id_currency UNIQUE (id, currency)
);
COMMENT ON TABLE account IS 'Ledger accounts (payments): wallets, system and vehicle accounts, cached balances.';
CREATE UNIQUE INDEX uq_account_wallet ON account (owner_id, currency) WHERE kind = 'wallet';
CREATE UNIQUE INDEX uq_account_address ON account (address, currency) WHERE address IS NOT NULL;
CREATE UNIQUE INDEX uq_account_system ON account (kind, currency) WHERE kind IN ('clearing', 'fees', 'suspense');

CREATE TABLE payment_transaction (
    id uuid PRIMARY KEY,
    type text NOT NULL,
    status text NOT NULL,
    amount numeric(20, 8) NOT NULL,
    fee numeric(20, 8) NOT NULL DEFAULT 0,
    currency char(3) NOT NULL,
    source_account_id uuid NOT NULL REFERENCES account (id),
    destination_account_id uuid NOT NULL REFERENCES account (id),
    description text,
    external_reference text,
    initiated_by uuid NOT NULL REFERENCES user_account (id),
    decided_by uuid REFERENCES user_account (id),
    decided_at timestamptz,
    decision_reason text,
    reversal_of uuid REFERENCES payment_transaction (id),
    reversed_amount numeric(20, 8) NOT NULL DEFAULT 0,
    expires_at timestamptz,
    reminded_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    CONSTRAINT ck_payment_transaction_type CHECK (type IN ('transfer', 'deposit', 'withdrawal', 'reversal')),
    CONSTRAINT ck_payment_transaction_status CHECK (
        status IN ('pending_approval', 'completed', 'rejected', 'expired', 'reversed', 'failed')),
    CONSTRAINT ck_payment_transaction_amount CHECK (amount > 0 AND fee >= 0),
    CONSTRAINT ck_payment_transaction_reversed CHECK (reversed_amount >= 0 AND reversed_amount <= amount),
    CONSTRAINT ck_payment_transaction_accounts CHECK (source_account_id <> destination_account_id)
);
CREATE INDEX ix_payment_transaction_source ON payment_transaction (source_account_id, created_at DESC);
CREATE INDEX ix_payment_transaction_destination ON payment_transaction (destination_account_id, created_at DESC);
CREATE INDEX ix_payment_transaction_created_at ON payment_transaction (created_at DESC, id DESC);
CREATE INDEX ix_payment_transaction_pending ON payment_transaction (expires_at) WHERE status = 'pending_approval';

CREATE TABLE journal_entry (
    id uuid PRIMARY KEY,
    transaction_id uuid NOT NULL REFERENCES payment_transaction (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_journal_entry_transaction_id ON journal_entry (transaction_id);

CREATE TABLE posting (
    id bigserial PRIMARY KEY,
    journal_entry_id uuid NOT NULL REFERENCES journal_entry (id),
    account_id uuid NOT NULL,
    currency char(3) NOT NULL,
    amount numeric(20, 8) NOT NULL,
    account_seq bigint NOT NULL,
    prev_hash text,
    hash text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ck_posting_amount CHECK (amount <> 0),
    CONSTRAINT uq_posting_account_seq UNIQUE (account_id, account_seq),
    CONSTRAINT fk_posting_account FOREIGN KEY (account_id, currency) REFERENCES account (id, currency)
);
CREATE INDEX ix_posting_journal_entry_id ON posting (journal_entry_id);

CREATE TABLE hold (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    transaction_id uuid NOT NULL REFERENCES payment_transaction (id),
    account_id uuid NOT NULL REFERENCES account (id),
    amount numeric(20, 8) NOT NULL,
    status text NOT NULL DEFAULT 'active',
    created_at timestamptz NOT NULL DEFAULT now(),
    closed_at timestamptz,
    CONSTRAINT ck_hold_amount CHECK (amount > 0),
    CONSTRAINT ck_hold_status CHECK (status IN ('active', 'released', 'captured'))
);
CREATE UNIQUE INDEX uq_hold_transaction_active ON hold (transaction_id) WHERE status = 'active';

CREATE TABLE idempotency_key (
    owner_id uuid NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    transaction_id uuid REFERENCES payment_transaction (id),
    status_code integer NOT NULL,
    response jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    CONSTRAINT pk_idempotency_key PRIMARY KEY (owner_id, key),
    CONSTRAINT ck_idempotency_key_length CHECK (length(key) BETWEEN 1 AND 255)
);
CREATE INDEX ix_idempotency_key_expires_at ON idempotency_key (expires_at);

-- Postings: numbered, chained and applied to the account's balance as they are written.
CREATE FUNCTION posting_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    acc account%ROWTYPE;
BEGIN
    SELECT * INTO acc FROM account WHERE id = NEW.account_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'posting to unknown account %', NEW.account_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    NEW.account_seq := acc.postings + 1;
    NEW.prev_hash := acc.last_hash;
    NEW.hash := encode(sha256(convert_to(concat_ws('|', coalesce(acc.last_hash, ''), NEW.account_id::text,
        NEW.account_seq::text, NEW.journal_entry_id::text, round(NEW.amount, 8)::text, NEW.currency), 'UTF8')), 'hex');
    UPDATE account SET balance = balance + NEW.amount, postings = NEW.account_seq, last_hash = NEW.hash
        WHERE id = NEW.account_id;
    RETURN NEW;
END;
$$;
CREATE TRIGGER posting_apply BEFORE INSERT ON posting FOR EACH ROW EXECUTE FUNCTION posting_apply();

-- At commit: every journal entry touched has two or more postings summing to zero per currency.
CREATE FUNCTION journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    n integer;
    unbalanced text;
BEGIN
    SELECT count(*) INTO n FROM posting WHERE journal_entry_id = NEW.journal_entry_id;
    IF n < 2 THEN
        RAISE EXCEPTION 'journal entry % has % posting(s); at least 2 are needed', NEW.journal_entry_id, n
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT currency INTO unbalanced FROM posting WHERE journal_entry_id = NEW.journal_entry_id
        GROUP BY currency HAVING sum(amount) <> 0 LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'journal entry % does not balance in %', NEW.journal_entry_id, unbalanced
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER posting_balanced AFTER INSERT ON posting
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION journal_entry_balanced();

CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER posting_immutable BEFORE UPDATE OR DELETE ON posting FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER posting_no_truncate BEFORE TRUNCATE ON posting FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER journal_entry_immutable BEFORE UPDATE OR DELETE ON journal_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();
CREATE TRIGGER journal_entry_no_truncate BEFORE TRUNCATE ON journal_entry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

-- Holds move account.held: placed (+), released or captured (-), once.
CREATE FUNCTION hold_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'active' THEN
            RAISE EXCEPTION 'a hold starts active' USING ERRCODE = 'check_violation';
        END IF;
        UPDATE account SET held = held + NEW.amount WHERE id = NEW.account_id;
    ELSIF OLD.status = 'active' AND NEW.status <> 'active' THEN
        IF NEW.amount <> OLD.amount OR NEW.account_id <> OLD.account_id THEN
            RAISE EXCEPTION 'a hold''s account and amount never change' USING ERRCODE = 'check_violation';
        END IF;
        UPDATE account SET held = held - OLD.amount WHERE id = OLD.account_id;
    ELSIF NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'a closed hold never changes' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER hold_apply AFTER INSERT OR UPDATE ON hold FOR EACH ROW EXECUTE FUNCTION hold_apply();
CREATE TRIGGER hold_no_delete BEFORE DELETE ON hold FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

-- One money movement in one round trip (see the module docstring of the migration).
CREATE FUNCTION payments_execute(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    caller uuid := (p->>'caller')::uuid;
    idem text := p->>'idempotency_key';
    found_key idempotency_key%ROWTYPE;
    src account%ROWTYPE;
    dst account%ROWTYPE;
    orig payment_transaction%ROWTYPE;
    source_id uuid := (p->>'source')::uuid;
    destination_id uuid := (p->>'destination')::uuid;
    amt numeric(20, 8) := (p->>'amount')::numeric;
    fee_amt numeric(20, 8) := coalesce((p->>'fee')::numeric, 0);
    cur text := p->>'currency';
    txn_id uuid := (p->>'transaction_id')::uuid;
    txn_status text := p->>'status';
    entry_id uuid;
    result jsonb;
BEGIN
    IF idem IS NOT NULL THEN
        IF NOT pg_try_advisory_xact_lock(hashtextextended(caller::text || '/' || idem, 0)) THEN
            RAISE EXCEPTION 'PAY_006' USING DETAIL = 'a request with this Idempotency-Key is still being processed';
        END IF;
        SELECT * INTO found_key FROM idempotency_key
            WHERE owner_id = caller AND key = idem AND expires_at > now();
        IF FOUND THEN
            IF found_key.request_hash <> p->>'request_hash' THEN
                RAISE EXCEPTION 'PAY_005' USING DETAIL = 'this Idempotency-Key was used with a different request';
            END IF;
            RETURN found_key.response || jsonb_build_object('replayed', true, 'status_code', found_key.status_code);
        END IF;
    END IF;

    IF p ? 'reversal_of' THEN
        -- A reversal sends back (part of) what the original moved: its row is locked first,
        -- so two reversals of one transaction never return more than it moved together.
        SELECT * INTO orig FROM payment_transaction WHERE id = (p->>'reversal_of')::uuid FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'RES_001' USING DETAIL = 'transaction not found';
        END IF;
        IF orig.type = 'reversal' OR orig.status NOT IN ('completed', 'reversed') THEN
            RAISE EXCEPTION 'RES_005' USING DETAIL = 'only a completed transaction can be reversed';
        END IF;
        IF orig.currency <> cur THEN
            RAISE EXCEPTION 'PAY_002' USING DETAIL = 'a reversal is in the original transaction''s currency';
        END IF;
        IF orig.reversed_amount + amt > orig.amount THEN
            RAISE EXCEPTION 'PAY_008' USING DETAIL = format('at most %s %s can still be reversed',
                orig.amount - orig.reversed_amount, orig.currency);
        END IF;
        source_id := orig.destination_account_id;
        destination_id := orig.source_account_id;
    END IF;
    IF p ? 'destination_address' THEN
        SELECT id INTO destination_id FROM account
            WHERE address = (p->>'destination_address')::uuid AND currency = cur AND kind = 'wallet';
        IF NOT FOUND THEN
            RAISE EXCEPTION 'RES_001' USING DETAIL = 'no wallet with this address in this currency';
        END IF;
    END IF;
    -- Lock every account involved, in id order: concurrent movements never deadlock.
    PERFORM 1 FROM account
        WHERE id IN (source_id, destination_id, (p->>'fee_account')::uuid)
        ORDER BY id FOR UPDATE;
    SELECT * INTO src FROM account WHERE id = source_id;
    IF NOT FOUND OR (p->>'source_owner' IS NOT NULL AND src.owner_id IS DISTINCT FROM (p->>'source_owner')::uuid) THEN
        RAISE EXCEPTION 'RES_001' USING DETAIL = 'source wallet not found';
    END IF;
    SELECT * INTO dst FROM account WHERE id = destination_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'RES_001' USING DETAIL = 'destination wallet not found';
    END IF;
    IF src.id = dst.id THEN
        RAISE EXCEPTION 'PAY_007' USING DETAIL = 'source and destination are the same wallet';
    END IF;
    IF src.status <> 'active' OR dst.status <> 'active' THEN
        RAISE EXCEPTION 'PAY_003' USING DETAIL = 'a wallet of this transfer is not active';
    END IF;
    IF src.currency <> cur OR dst.currency <> cur THEN
        RAISE EXCEPTION 'PAY_002' USING DETAIL = 'the currency must be that of both wallets';
    END IF;
    IF NOT src.allow_negative AND src.balance - src.held < amt + fee_amt THEN
        RAISE EXCEPTION 'PAY_001' USING DETAIL = 'insufficient available funds';
    END IF;

    INSERT INTO payment_transaction (id, type, status, amount, fee, currency, source_account_id,
        destination_account_id, description, external_reference, initiated_by, expires_at, completed_at,
        reversal_of, created_at)
    VALUES (txn_id, p->>'type', txn_status, amt, fee_amt, cur, src.id, dst.id, p->>'description',
        p->>'external_reference', caller, (p->>'expires_at')::timestamptz,
        CASE WHEN txn_status = 'completed' THEN clock_timestamp() END, orig.id, clock_timestamp());
    IF orig.id IS NOT NULL THEN
        UPDATE payment_transaction SET reversed_amount = payment_transaction.reversed_amount + amt,
            status = CASE WHEN payment_transaction.reversed_amount + amt = orig.amount THEN 'reversed'
                          ELSE payment_transaction.status END
            WHERE id = orig.id;
    END IF;
    IF txn_status = 'completed' THEN
        entry_id := (p->>'journal_entry_id')::uuid;
        INSERT INTO journal_entry (id, transaction_id) VALUES (entry_id, txn_id);
        INSERT INTO posting (journal_entry_id, account_id, currency, amount, account_seq, hash)
        SELECT entry_id, a, cur, v, 0, '' FROM (VALUES (src.id, -(amt + fee_amt)), (dst.id, amt),
            ((p->>'fee_account')::uuid, fee_amt)) AS legs (a, v)
        WHERE v <> 0 ORDER BY a;
    ELSE
        INSERT INTO hold (transaction_id, account_id, amount) VALUES (txn_id, src.id, amt + fee_amt);
    END IF;

    IF p ? 'audit' THEN
        INSERT INTO audit_log (id, occurred_at, action, actor_id, resource_type, resource_id, request_id, entry)
        VALUES ((p->'audit'->>'id')::uuid, (p->'audit'->>'occurred_at')::timestamptz, p->'audit'->>'action',
            p->'audit'->>'actor_id', p->'audit'->>'resource_type', p->'audit'->>'resource_id',
            p->'audit'->>'request_id', p->'audit'->>'entry');
    END IF;

    SELECT jsonb_build_object(
        'id', t.id, 'type', t.type, 'status', t.status, 'amount', t.amount::text, 'fee', t.fee::text,
        'currency', t.currency, 'source_wallet_id', t.source_account_id,
        'destination_wallet_id', t.destination_account_id, 'description', t.description,
        'external_reference', t.external_reference, 'initiated_by', t.initiated_by,
        'expires_at', t.expires_at, 'created_at', t.created_at, 'completed_at', t.completed_at,
        'reversal_of', t.reversal_of)
    INTO result FROM payment_transaction t WHERE t.id = txn_id;
    IF idem IS NOT NULL THEN
        INSERT INTO idempotency_key (owner_id, key, request_hash, transaction_id, status_code, response, expires_at)
        VALUES (caller, idem, p->>'request_hash', txn_id, 201, result,
            now() + make_interval(secs => (p->>'idempotency_ttl_seconds')::integer))
        ON CONFLICT (owner_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash,
            transaction_id = EXCLUDED.transaction_id, status_code = EXCLUDED.status_code,
            response = EXCLUDED.response, created_at = now(), expires_at = EXCLUDED.expires_at;
    END IF;
    RETURN result || jsonb_build_object('replayed', false, 'status_code', 201);
END;
$$;
"""

DOWNGRADE = """
DROP FUNCTION IF EXISTS payments_execute(jsonb);
DROP TABLE IF EXISTS idempotency_key;
DROP TABLE IF EXISTS hold;
DROP TABLE IF EXISTS posting;
DROP TABLE IF EXISTS journal_entry;
DROP TABLE IF EXISTS payment_transaction;
DROP TABLE IF EXISTS account;
DROP FUNCTION IF EXISTS hold_apply();
DROP FUNCTION IF EXISTS ledger_refuse_change();
DROP FUNCTION IF EXISTS journal_entry_balanced();
DROP FUNCTION IF EXISTS posting_apply();
"""


def upgrade() -> None:
    op.execute(SCHEMA)
    bind = op.get_bind()
    for kind, allow_negative in SYSTEM_ACCOUNTS:
        bind.execute(
            sa.text("INSERT INTO account (kind, currency, allow_negative) VALUES (:k, 'NAD', :n)"),
            {"k": kind, "n": allow_negative},
        )
    # Every existing user gets the NAD wallet new users get on registration.
    op.execute(
        "INSERT INTO account (owner_id, kind, currency, address) "
        "SELECT id, 'wallet', 'NAD', wallet_address FROM user_account"
    )
    bind.execute(
        sa.text("INSERT INTO permission (name, category, description) VALUES (:n, :c, :d)"),
        [{"n": n, "c": c, "d": d} for n, c, d in PERMISSIONS],
    )
    bind.execute(
        sa.text(
            "INSERT INTO role_permission (role_id, permission_id, scope) "
            "SELECT r.id, p.id, :scope FROM role r, permission p WHERE r.name = :role AND p.name = :permission"
        ),
        [
            {"role": role_name, "permission": name, "scope": scope}
            for role_name, grants in GRANTS.items()
            for name, scope in grants.items()
        ],
    )


def downgrade() -> None:
    op.get_bind().execute(
        sa.text("DELETE FROM permission WHERE name = ANY(:names)"), {"names": [p[0] for p in PERMISSIONS]}
    )
    op.execute(DOWNGRADE)
