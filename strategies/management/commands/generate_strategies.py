"""`manage.py generate_strategies --guides 1000`: bulk content for measurements.

Never run it against production data you care about: it replaces every row whose slug
starts with the prefix (default `gen-`), and only those.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from strategies.generator import delete_generated, generate
from strategies.models import Exercise, Guide, GuideRelation, Person, Prompt, Strategy, Tag


class Command(BaseCommand):
    help = "Generate N guides with strategies, exercises, prompts, tags and related guides."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--guides", type=int, default=1000)
        parser.add_argument("--strategies-per-guide", type=int, default=4)
        parser.add_argument("--exercises-per-strategy", type=int, default=2)
        parser.add_argument("--prompts-per-strategy", type=int, default=2)
        parser.add_argument("--related-per-guide", type=int, default=3)
        parser.add_argument("--tags", type=int, default=30)
        parser.add_argument("--people", type=int, default=20)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prefix", default="gen", help="Slug prefix of generated rows.")
        parser.add_argument(
            "--delete", action="store_true", help="Only remove rows generated with --prefix."
        )

    def handle(self, *args, **options) -> None:
        prefix = options["prefix"]
        if not prefix.isidentifier():
            raise CommandError("--prefix must be letters, digits or underscores.")
        if options["delete"]:
            delete_generated(prefix)
            self.stdout.write(f"Removed content generated with prefix {prefix!r}.")
            return
        if options["guides"] < 1:
            raise CommandError("--guides must be at least 1.")
        counts = generate(
            guides=options["guides"],
            strategies_per_guide=options["strategies_per_guide"],
            exercises_per_strategy=options["exercises_per_strategy"],
            prompts_per_strategy=options["prompts_per_strategy"],
            related_per_guide=options["related_per_guide"],
            tags=options["tags"],
            people=options["people"],
            seed=options["seed"],
            prefix=prefix,
        )
        # Fresh planner statistics, so measurements right after a bulk load see the
        # query plans a settled database would use.
        with connection.cursor() as cursor:
            for model in (Guide, Strategy, Exercise, Prompt, GuideRelation, Tag, Person):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        self.stdout.write(self.style.SUCCESS(f"Generated {counts}."))
