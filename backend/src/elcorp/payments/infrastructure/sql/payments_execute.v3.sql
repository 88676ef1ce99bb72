-- payments_execute v3 (migration 0032): one money movement in one round trip.
-- Refusals carry a stable SQLSTATE of class EP (PAY_nnn -> EPnnn) or ER (RES_nnn -> ERnnn),
-- read by elcorp.payments.infrastructure.ledger.refusal_of; the message is for people,
-- the HINT of EP010 the id of the booking that already holds the reference.
-- The same rules, in Python, live in elcorp.payments.domain.movement: this is the backstop
-- that enforces them under the row locks. Never edit a released version: add v4.
CREATE OR REPLACE FUNCTION payments_execute(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    caller uuid := (p->>'caller')::uuid;
    idem text := p->>'idempotency_key';
    movement text := p->>'type';
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
    reference_key text;
    first_booking uuid;
    moved_alone numeric(20, 8);
    entry_id uuid;
    audit_entry jsonb := p->'audit';
    result jsonb;
BEGIN
    IF idem IS NOT NULL THEN
        IF NOT pg_try_advisory_xact_lock(hashtextextended(caller::text || '/' || idem, 0)) THEN
            RAISE EXCEPTION USING ERRCODE = 'EP006', MESSAGE = 'a request with this Idempotency-Key is still being processed';
        END IF;
        SELECT * INTO found_key FROM idempotency_key
            WHERE owner_id = caller AND key = idem AND expires_at > now();
        IF FOUND THEN
            IF found_key.request_hash <> p->>'request_hash' THEN
                RAISE EXCEPTION USING ERRCODE = 'EP005', MESSAGE = 'this Idempotency-Key was used with a different request';
            END IF;
            RETURN found_key.response || jsonb_build_object('replayed', true, 'status_code', found_key.status_code);
        END IF;
    END IF;

    -- What one staff member moves alone in a business day is summed under their own lock,
    -- taken before any row lock (the same order everywhere): two parallel movements of
    -- theirs never both slip under the limit.
    IF txn_status = 'completed' AND p ? 'solo_limit' THEN
        PERFORM pg_advisory_xact_lock(hashtextextended('payments-alone/' || caller::text, 0));
    END IF;

    IF p ? 'reversal_of' THEN
        -- A reversal sends back (part of) what the original moved: its row is locked first,
        -- so two reversals of one transaction never return more than it moved together
        -- (those awaiting approval included: they reserve their amount).
        SELECT * INTO orig FROM payment_transaction WHERE id = (p->>'reversal_of')::uuid FOR UPDATE;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'ER001', MESSAGE = 'transaction not found';
        END IF;
        IF orig.type = 'reversal' OR orig.status NOT IN ('completed', 'reversed') THEN
            RAISE EXCEPTION USING ERRCODE = 'ER005', MESSAGE = 'only a completed transaction can be reversed';
        END IF;
        IF orig.currency <> cur THEN
            RAISE EXCEPTION USING ERRCODE = 'EP002', MESSAGE = 'a reversal is in the original transaction''s currency';
        END IF;
        IF orig.reversed_amount + amt > orig.amount THEN
            RAISE EXCEPTION USING ERRCODE = 'EP008', MESSAGE = format('at most %s %s can still be reversed',
                orig.amount - orig.reversed_amount, orig.currency);
        END IF;
        source_id := orig.destination_account_id;
        destination_id := orig.source_account_id;
    END IF;
    IF p ? 'destination_address' THEN
        SELECT id INTO destination_id FROM account
            WHERE address = (p->>'destination_address')::uuid AND currency = cur AND kind = 'wallet';
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'ER001', MESSAGE = 'no wallet with this address in this currency';
        END IF;
    END IF;
    -- Lock every account involved, in id order: concurrent movements never deadlock.
    PERFORM 1 FROM account
        WHERE id IN (source_id, destination_id, (p->>'fee_account')::uuid)
        ORDER BY id FOR UPDATE;
    -- Which accounts each movement may touch: a transfer goes from a wallet to a wallet (an
    -- invoice payment also to the revenue account), a deposit from clearing to a wallet, a
    -- withdrawal from a wallet to clearing; a reversal mirrors its original. The clearing,
    -- fees and other system accounts are not found for anything else.
    SELECT * INTO src FROM account WHERE id = source_id;
    IF NOT FOUND OR (p->>'source_owner' IS NOT NULL AND src.owner_id IS DISTINCT FROM (p->>'source_owner')::uuid)
        OR (movement IN ('transfer', 'withdrawal') AND src.kind <> 'wallet')
        OR (movement = 'deposit' AND src.kind <> 'clearing') THEN
        RAISE EXCEPTION USING ERRCODE = 'ER001', MESSAGE = 'source wallet not found';
    END IF;
    SELECT * INTO dst FROM account WHERE id = destination_id;
    IF NOT FOUND
        OR (movement = 'transfer' AND dst.kind <> 'wallet'
            AND NOT (dst.kind = 'revenue' AND coalesce((p->>'invoice_payment')::boolean, false)))
        OR (movement = 'deposit' AND dst.kind <> 'wallet')
        OR (movement = 'withdrawal' AND dst.kind <> 'clearing') THEN
        RAISE EXCEPTION USING ERRCODE = 'ER001', MESSAGE = 'destination wallet not found';
    END IF;
    IF fee_amt <> 0 AND NOT EXISTS (SELECT 1 FROM account WHERE id = (p->>'fee_account')::uuid AND kind = 'fees') THEN
        RAISE EXCEPTION USING ERRCODE = 'ER001', MESSAGE = 'fees account not found';
    END IF;
    IF src.id = dst.id THEN
        RAISE EXCEPTION USING ERRCODE = 'EP007', MESSAGE = 'source and destination are the same wallet';
    END IF;
    -- Segregation of duties: staff powers never move money on the staff member's own wallet.
    IF movement IN ('deposit', 'withdrawal', 'reversal') AND caller IN (src.owner_id, dst.owner_id) THEN
        RAISE EXCEPTION USING ERRCODE = 'EP009', MESSAGE = 'staff cannot move money on a wallet of their own';
    END IF;
    IF src.status <> 'active' OR dst.status <> 'active' THEN
        RAISE EXCEPTION USING ERRCODE = 'EP003', MESSAGE = 'a wallet of this transfer is not active';
    END IF;
    IF src.currency <> cur OR dst.currency <> cur THEN
        RAISE EXCEPTION USING ERRCODE = 'EP002', MESSAGE = 'the currency must be that of both wallets';
    END IF;
    IF NOT src.allow_negative AND src.balance - src.held < amt + fee_amt THEN
        RAISE EXCEPTION USING ERRCODE = 'EP001', MESSAGE = 'insufficient available funds';
    END IF;
    -- One bank reference, one booking, per clearing account (currency) and direction; the
    -- unique index uq_payment_transaction_clearing_reference settles a parallel race.
    IF movement IN ('deposit', 'withdrawal') THEN
        reference_key := upper(btrim(coalesce(p->>'external_reference', '')));
        SELECT id INTO first_booking FROM payment_transaction
            WHERE currency = cur AND type = movement AND unique_reference
              AND status IN ('pending_approval', 'completed')
              AND upper(btrim(coalesce(external_reference, ''))) = reference_key
            LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'EP010', MESSAGE = format('this external reference is already booked as %s %s',
                movement, first_booking), HINT = first_booking::text;
        END IF;
    END IF;
    IF txn_status = 'completed' AND p ? 'solo_limit' THEN
        SELECT coalesce(sum(amount), 0) INTO moved_alone FROM payment_transaction
            WHERE initiated_by = caller AND type IN ('deposit', 'withdrawal', 'reversal') AND currency = cur
              AND created_at >= (p->>'day_start')::timestamptz
              AND completed_at IS NOT NULL AND decided_by IS NULL;
        IF moved_alone + amt > (p->>'solo_limit')::numeric THEN
            txn_status := 'pending_approval';
            audit_entry := p->'held_audit';
        END IF;
    END IF;

    INSERT INTO payment_transaction (id, type, status, amount, fee, currency, source_account_id,
        destination_account_id, description, external_reference, initiated_by, expires_at, completed_at,
        reversal_of, created_at, unique_reference)
    VALUES (txn_id, movement, txn_status, amt, fee_amt, cur, src.id, dst.id, p->>'description',
        p->>'external_reference', caller,
        CASE WHEN txn_status = 'pending_approval'
             THEN coalesce((p->>'expires_at')::timestamptz, (p->>'held_expires_at')::timestamptz) END,
        CASE WHEN txn_status = 'completed' THEN clock_timestamp() END, orig.id, clock_timestamp(),
        movement IN ('deposit', 'withdrawal'));
    IF orig.id IS NOT NULL THEN
        UPDATE payment_transaction SET reversed_amount = payment_transaction.reversed_amount + amt
            WHERE id = orig.id;
        IF txn_status = 'completed' AND orig.amount = (SELECT sum(amount) FROM payment_transaction
                WHERE reversal_of = orig.id AND status = 'completed') THEN
            UPDATE payment_transaction SET status = 'reversed' WHERE id = orig.id;
        END IF;
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

    IF audit_entry IS NOT NULL THEN
        INSERT INTO audit_log (id, occurred_at, action, actor_id, resource_type, resource_id, request_id, entry)
        VALUES ((audit_entry->>'id')::uuid, (audit_entry->>'occurred_at')::timestamptz, audit_entry->>'action',
            audit_entry->>'actor_id', audit_entry->>'resource_type', audit_entry->>'resource_id',
            audit_entry->>'request_id', audit_entry->>'entry');
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
