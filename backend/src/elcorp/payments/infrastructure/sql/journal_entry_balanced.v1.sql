-- journal_entry_balanced v1 (migration 0013): at commit, every journal entry balances.
CREATE OR REPLACE FUNCTION journal_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
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
