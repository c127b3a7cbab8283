from django.apps import AppConfig


class NarrationConfig(AppConfig):
    name = "masthead.narration"
    label = "narration"
    verbose_name = "Narration"

    def ready(self) -> None:
        from . import signal_handlers

        signal_handlers.register()
