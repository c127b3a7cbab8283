"""`masthead manage seed_articles --count 100000`: synthetic articles for scale tests."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masthead.demo.seeding import DEFAULT_BATCH, DEFAULT_YEARS, SeedingError, seed_articles


class Command(BaseCommand):
    help = (
        "Create COUNT synthetic but plausible live articles (original generated text, "
        "hero images, authors and tags reused) under the home page's sections, with bulk "
        "inserts (100,000 in two to three minutes on SQLite here). For scale tests and "
        "benchmarks: no narration, webhook or cache invalidation is triggered per article."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="articles to create")
        parser.add_argument(
            "--sections",
            type=int,
            default=None,
            help="spread over this many sections, creating missing ones "
            "(default: every existing section, or 5 when there are none)",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=DEFAULT_BATCH,
            help=f"articles per transaction (default {DEFAULT_BATCH:,})",
        )
        parser.add_argument(
            "--years",
            type=int,
            default=DEFAULT_YEARS,
            help=f"publication dates spread over this many past years (default {DEFAULT_YEARS})",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Seeding {options['count']:,} articles ...")
        try:
            result = seed_articles(
                count=options["count"],
                sections=options["sections"],
                batch=options["batch"],
                seed=options["seed"],
                years=options["years"],
                progress=self.stdout.write,
            )
        except SeedingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {result.created:,} articles in {result.seconds:.1f} s "
                f"({result.per_second:,.0f} articles/s) across {result.sections} sections, "
                f"with {result.authors} authors, {result.images} hero images and "
                f"{result.tags} tags."
            )
        )
