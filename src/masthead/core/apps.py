from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _ensure_roles(sender, **kwargs) -> None:
    from django.contrib.auth.management import create_permissions

    from .roles import ensure_newsroom_roles

    # Permissions of every app must exist before groups can be given them.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    ensure_newsroom_roles()


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Masthead core"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
        from .lanes import register_reconciler
        from .worker import reclaim_abandoned_tasks

        register_reconciler(reclaim_abandoned_tasks)
        # Sent once per app with models; "sessions" comes late, after the apps whose
        # permissions the newsroom roles use.
        post_migrate.connect(
            _ensure_roles, sender=apps.get_app_config("sessions"), dispatch_uid="masthead-roles"
        )
