"""Tags saved before tags.py existed may have an empty slug ("&", ">"): give them one."""

from django.db import migrations


def give_usable_slugs(apps, schema_editor):
    from masthead.news.tags import is_usable, usable_slug

    Tag = apps.get_model("taggit", "Tag")
    for tag in Tag.objects.order_by("pk"):
        if not is_usable(tag.slug):
            tag.slug = usable_slug(Tag, tag.name, exclude_pk=tag.pk)
            tag.save(update_fields=["slug"])


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_articlepage_narrate"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(give_usable_slugs, migrations.RunPython.noop)]
