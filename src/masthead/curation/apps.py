from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "masthead.curation"
    label = "curation"
    verbose_name = "Curation"
