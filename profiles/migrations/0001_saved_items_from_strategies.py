"""Takes over `strategies_saveditem` (strategies 0003 forgot the model without touching
the table): the model is declared as it was, then its table is renamed, so every saved
row stays, with its id. 0002 adds exercises and events."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("strategies", "0003_saveditem_moves_to_profiles"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SavedItem",
                    fields=[
                        (
                            "id",
                            models.UUIDField(
                                default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "guide",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="strategies.guide",
                            ),
                        ),
                        (
                            "owner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="saved_items",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "strategy",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                to="strategies.strategy",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "strategies_saveditem",
                        "ordering": ["-created_at", "-id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("guide__isnull", False), ("strategy__isnull", True)),
                                    models.Q(("guide__isnull", True), ("strategy__isnull", False)),
                                    _connector="OR",
                                ),
                                name="strategies_saveditem_exactly_one_target",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("guide__isnull", False)),
                                fields=("owner", "guide"),
                                name="strategies_saveditem_unique_guide",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("strategy__isnull", False)),
                                fields=("owner", "strategy"),
                                name="strategies_saveditem_unique_strategy",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        # The default table name of the model here: PostgreSQL renames, rows stay.
        migrations.AlterModelTable(name="saveditem", table=None),
    ]
