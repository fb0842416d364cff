"""Create the database cache table in every database, whatever CACHES says today.

Without Redis the cache (throttle counters, public responses) lives in this table; a
deployment that forgot `createcachetable` would answer 500 on every throttled request.
"""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "breakthrough_cache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {CACHE_TABLE}")


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
