"""`masthead manage import_wordpress FILE`: import a WordPress WXR export (docs/importing.md)."""

from masthead.importers.command import ImportCommand
from masthead.importers.wordpress import WordPressSource


class Command(ImportCommand):
    kind = "wordpress"
    help = "Import a WordPress export (WXR 1.0-1.2, from Tools → Export)."

    def add_source_arguments(self, parser) -> None:
        parser.add_argument(
            "--recover",
            action="store_true",
            help="Read malformed XML as best it can be (lxml's recover mode).",
        )

    def make_source(self, path, options):
        return WordPressSource(path, recover=options["recover"])
