"""Read-only panels added to the article editor by AudienceConfig.ready()."""

from wagtail.admin.panels import Panel

from .charts import bar_chart

PANEL_DAYS = 7
REPORT_PERMISSION = "audience.view_dailyarticleviews"


class ArticleViewsPanel(Panel):
    """The article's views over the last 7 days, with a small bar chart."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "audience/admin/article_views_panel.html"

        def get_context_data(self, parent_context=None):
            from .selectors import article_daily_views

            context = super().get_context_data(parent_context)
            page = self.instance
            series = article_daily_views(article_id=page.pk, days=PANEL_DAYS) if page.pk else []
            context.update(
                {
                    "page": page,
                    "can_see_report": self.request.user.has_perm(REPORT_PERMISSION),
                    "days": PANEL_DAYS,
                    "total": sum(views for _, views in series),
                    "chart": bar_chart(series, width=280, height=48, gap=4) if series else None,
                }
            )
            return context
