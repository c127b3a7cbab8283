"""The narration panel on the article editor: status, progress, listen, regenerate."""

from wagtail.admin.panels import Panel


class NarrationPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "narration/admin/panel.html"

        def get_context_data(self, parent_context=None):
            from .models import Narration

            context = super().get_context_data(parent_context)
            page = self.instance
            context["page"] = page
            context["narration"] = (
                Narration.objects.filter(article_id=page.pk).first() if page.pk else None
            )
            return context
