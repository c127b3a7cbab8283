from django.apps import AppConfig


class NarrationConfig(AppConfig):
    name = "masthead.narration"
    label = "narration"
    verbose_name = "Narration"

    def ready(self) -> None:
        from masthead.core.lanes import register_reconciler

        from . import signal_handlers
        from .repair import narration_reconcile

        signal_handlers.register()
        # Every worker runs it at start and every heartbeat: stale runs go back in the queue.
        register_reconciler(narration_reconcile)
