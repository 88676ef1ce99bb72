-- hold_apply v1 (migration 0013): holds move account.held once, placed and closed.
CREATE OR REPLACE FUNCTION hold_apply() RETURNS trigger LANGUAGE plpgsql AS $$
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
