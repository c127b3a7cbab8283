"""View counts: one row per (article, day), never a row per reader. And editors' picks
for the "Read also" list at the end of an article."""

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class DailyArticleViews(models.Model):
    article = models.ForeignKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="daily_views"
    )
    day = models.DateField(help_text="The day in the newsroom's time zone.")
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="unique_article_day_views")
        ]
        # Covering: "Most popular" and the report sum views over a range of days from the
        # index alone. The unique constraint serves per-article lookups and the upsert.
        indexes = [models.Index(fields=["day", "article", "views"], name="audience_views_by_day")]
        verbose_name_plural = "daily article views"

    def __str__(self) -> str:
        return f"{self.article_id} on {self.day}: {self.views}"


class ReadAlsoPick(Orderable):
    """An article an editor puts first in "Read also" (saved with the page's revisions)."""

    page = ParentalKey("news.ArticlePage", on_delete=models.CASCADE, related_name="read_also_picks")
    article = models.ForeignKey(
        "news.ArticlePage",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A published article; it is skipped while unpublished.",
    )

    panels = [FieldPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = "Read also pick"

    def __str__(self) -> str:
        return f"Read also {self.article_id} on {self.page_id}"
