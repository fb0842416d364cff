"""Number journal changes per member instead of from one global sequence.

With one sequence, a member's token rose by every other member's writes (it told
them how busy the service was), and nothing could tell a token the server had issued
from one past the member's last change. Now each member's `MemberChangeLock` row
holds a counter, `last_seq`: the trigger takes the next number from it with an UPDATE,
which also locks the row until commit, the very lock that kept one member's numbers in
commit order (see `journaling.selectors.change_feed`).

Existing numbers are kept, so tokens already on devices stay valid: each member's
counter starts at the member's highest number. The purge watermark becomes per member
too: the old global watermark, capped at the member's counter (a token at the head
has missed nothing).
"""

from django.db import migrations, models

FILL = """
INSERT INTO journaling_memberchangelock (owner_id)
    SELECT owner_id FROM journaling_journalentry
    UNION SELECT owner_id FROM journaling_commitment
    UNION SELECT owner_id FROM journaling_tombstone
ON CONFLICT (owner_id) DO NOTHING;

UPDATE journaling_memberchangelock AS member_lock SET last_seq = GREATEST(
    (SELECT COALESCE(MAX(change_seq), 0) FROM journaling_journalentry
        WHERE owner_id = member_lock.owner_id),
    (SELECT COALESCE(MAX(change_seq), 0) FROM journaling_commitment
        WHERE owner_id = member_lock.owner_id),
    (SELECT COALESCE(MAX(change_seq), 0) FROM journaling_tombstone
        WHERE owner_id = member_lock.owner_id)
);

UPDATE journaling_memberchangelock SET purged_through = LEAST(
    last_seq, (SELECT COALESCE(MAX(through_seq), 0) FROM journaling_tombstonepurge)
);
"""

STAMP = """
CREATE OR REPLACE FUNCTION journaling_stamp_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE journaling_memberchangelock SET last_seq = last_seq + 1
        WHERE owner_id = NEW.owner_id RETURNING last_seq INTO NEW.change_seq;
    IF NOT FOUND THEN
        INSERT INTO journaling_memberchangelock (owner_id) VALUES (NEW.owner_id)
            ON CONFLICT (owner_id) DO NOTHING;
        UPDATE journaling_memberchangelock SET last_seq = last_seq + 1
            WHERE owner_id = NEW.owner_id RETURNING last_seq INTO NEW.change_seq;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END;
$$;

DROP SEQUENCE journaling_change_seq;
"""

# Back to one sequence, starting after every number in use.
UNSTAMP = """
CREATE SEQUENCE journaling_change_seq AS bigint;
SELECT setval('journaling_change_seq',
              GREATEST(1, (SELECT MAX(last_seq) FROM journaling_memberchangelock)));

CREATE OR REPLACE FUNCTION journaling_stamp_change() RETURNS trigger
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("journaling", "0002_change_numbering_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="memberchangelock",
            name="last_seq",
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="memberchangelock",
            name="purged_through",
            field=models.BigIntegerField(db_default=0, default=0, editable=False),
        ),
        migrations.RunSQL(sql=FILL, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(sql=STAMP, reverse_sql=UNSTAMP),
        # A default first, so that migrating back can restore the column over old rows.
        migrations.AlterField(
            model_name="tombstonepurge",
            name="through_seq",
            field=models.BigIntegerField(default=0),
        ),
        migrations.RemoveField(
            model_name="tombstonepurge",
            name="through_seq",
        ),
    ]
