"""Saved items now belong to the `profiles` app. The table stays where it is here: this
migration only forgets the model, and `profiles` 0001 takes the table over, renames it
and keeps every row (ids included)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("strategies", "0002_constraint_messages_for_editors"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SavedItem")],
            database_operations=[],
        ),
    ]
