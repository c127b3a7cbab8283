"""Editors' Picks: an ordered list editors manage in Settings → Editors' Picks."""

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, HelpPanel, InlinePanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.models import Orderable


@register_setting(icon="pick", name="editors-picks")
class EditorsPicks(ClusterableModel, BaseGenericSetting):
    panels = [
        HelpPanel(
            "Articles listed here appear, in this order, in the “Editors’ Picks” list on the "
            "home page and on every article page. Drag to reorder. Unpublished articles and "
            "picks past their end date drop out by themselves."
        ),
        InlinePanel("picks", label="Pick", heading="Picks"),
    ]

    class Meta:
        verbose_name = "Editors' Picks"

    def __str__(self) -> str:
        return "Editors' Picks"


class EditorsPick(Orderable):
    collection = ParentalKey(EditorsPicks, on_delete=models.CASCADE, related_name="picks")
    article = models.ForeignKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="editors_picks"
    )
    until = models.DateTimeField(
        null=True, blank=True, help_text="Optional: the pick drops out after this time."
    )

    panels = [FieldPanel("article"), FieldPanel("until")]

    def __str__(self) -> str:
        return f"Pick {self.sort_order}: {self.article_id}"
