from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "masthead.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
