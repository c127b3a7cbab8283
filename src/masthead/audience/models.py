"""View counts: one row per (article, day), never a row per reader."""

from django.db import models


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
        indexes = [models.Index(fields=["day", "article"])]
        verbose_name_plural = "daily article views"

    def __str__(self) -> str:
        return f"{self.article_id} on {self.day}: {self.views}"
