from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "masthead.audience"
    label = "audience"
    verbose_name = "Audience"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
