from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "masthead.audience"
    label = "audience"
    verbose_name = "Audience"
