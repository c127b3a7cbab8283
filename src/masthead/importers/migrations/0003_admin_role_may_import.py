"""The Admin role may use the Import screen (importers.add_importrun).

New installs get it with the roles (core/roles.py); this gives it to an Admin group that
already exists. A newsroom without that group is left as it is.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are made after migrations (post_migrate): make this app's now. A
    # migration's app registry has no models module, which create_permissions expects.
    config = apps.get_app_config("importers")
    was = getattr(config, "models_module", None)
    config.models_module = was or True
    try:
        create_permissions(config, apps=apps, verbosity=0)
    finally:
        config.models_module = was
    group = apps.get_model("auth", "Group").objects.filter(name="Admin").first()
    permission = apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="importers", codename="add_importrun"
    ).first()
    if group is not None and permission is not None:
        group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("importers", "0002_importrun_heartbeat_at"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
