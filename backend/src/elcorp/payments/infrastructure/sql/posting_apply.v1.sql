-- posting_apply v1 (migration 0013): numbers, chains and applies each posting.
CREATE OR REPLACE FUNCTION posting_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
