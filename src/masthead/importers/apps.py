from django.apps import AppConfig


class ImportersConfig(AppConfig):
    name = "masthead.importers"
    label = "importers"
    verbose_name = "Importers"

    def ready(self) -> None:
        from masthead.core.lanes import register_reconciler

        from .tasks import import_reconcile

        # Every worker runs it at start and every heartbeat: stale runs go back in the queue.
        register_reconciler(import_reconcile)
