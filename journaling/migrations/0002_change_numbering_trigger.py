"""Number every journal change from one sequence, in each member's commit order.

Before each insert or update of an entry or a commitment, and each inserted tombstone,
the trigger:
1. locks the member's `journaling_memberchangelock` row until the transaction ends
   (creating it on the member's first write), so two writers of the same member take
   their numbers one after the other and commit in that order;
2. sets `change_seq` from `journaling_change_seq`;
3. on an update, sets `version` to the stored version plus one.

A row lock, not an advisory lock: an editor deleting a strategy linked from thousands
of members' entries (ON DELETE SET NULL updates each) would otherwise need one entry in
PostgreSQL's shared lock table per member, which is small; row locks live in the rows.
See `journaling.selectors.change_feed` for why this ordering is what the feed needs.
"""

from django.db import migrations

CREATE = """
CREATE SEQUENCE journaling_change_seq AS bigint;

CREATE FUNCTION journaling_stamp_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM journaling_memberchangelock WHERE owner_id = NEW.owner_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO journaling_memberchangelock (owner_id) VALUES (NEW.owner_id)
            ON CONFLICT (owner_id) DO NOTHING;
        PERFORM 1 FROM journaling_memberchangelock WHERE owner_id = NEW.owner_id FOR UPDATE;
    END IF;
    NEW.change_seq := nextval('journaling_change_seq');
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER journaling_journalentry_stamp_change
    BEFORE INSERT OR UPDATE ON journaling_journalentry
    FOR EACH ROW EXECUTE FUNCTION journaling_stamp_change();

CREATE TRIGGER journaling_commitment_stamp_change
    BEFORE INSERT OR UPDATE ON journaling_commitment
    FOR EACH ROW EXECUTE FUNCTION journaling_stamp_change();

CREATE TRIGGER journaling_tombstone_stamp_change
    BEFORE INSERT ON journaling_tombstone
    FOR EACH ROW EXECUTE FUNCTION journaling_stamp_change();
"""

DROP = """
DROP TRIGGER IF EXISTS journaling_tombstone_stamp_change ON journaling_tombstone;
DROP TRIGGER IF EXISTS journaling_commitment_stamp_change ON journaling_commitment;
DROP TRIGGER IF EXISTS journaling_journalentry_stamp_change ON journaling_journalentry;
DROP FUNCTION IF EXISTS journaling_stamp_change();
DROP SEQUENCE IF EXISTS journaling_change_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("journaling", "0001_initial"),
    ]

    operations = [migrations.RunSQL(sql=CREATE, reverse_sql=DROP)]
