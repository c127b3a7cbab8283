"""A GIN index on Wagtail's search index entries' `title || body` (PostgreSQL only).

Wagtail's PostgreSQL search backend matches that expression, and no index was on it:
every search read every entry's vectors (news/search.py). SQLite's FTS5 table needs
nothing more. The index is on Wagtail's table, made and dropped here.
"""

from django.db import migrations

INDEX = "masthead_search_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry "
            "USING GIN ((title || body))"
        )
        schema_editor.execute("ANALYZE wagtailsearch_indexentry")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0006_listing_probe_indexes"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(create, drop)]
