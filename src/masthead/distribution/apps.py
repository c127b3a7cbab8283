from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "masthead.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
        from masthead.core.lanes import register_reconciler

        from .services import webhook_reconcile

        register_reconciler(webhook_reconcile)
