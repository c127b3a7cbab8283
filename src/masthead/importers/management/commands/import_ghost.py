"""`masthead manage import_ghost FILE`: import a Ghost JSON export (docs/importing.md)."""

from masthead.importers.command import ImportCommand
from masthead.importers.ghost import source_for


class Command(ImportCommand):
    kind = "ghost"
    help = "Import a Ghost JSON export (Ghost 2 to 6, from Settings → Labs → Export)."

    def add_source_arguments(self, parser) -> None:
        parser.add_argument(
            "--members-public",
            action="store_true",
            help="Posts for members, paid members or tiers on Ghost become public here "
            "(with a warning each). Default: they are imported as drafts, with a warning.",
        )

    def import_options(self, options: dict):
        import_options = super().import_options(options)
        import_options.members_public = options["members_public"]  # kept in the run's log
        return import_options

    def make_source(self, path, options):
        return source_for(path, self.import_options(options))
