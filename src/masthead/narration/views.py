"""Admin views: the narrations listing and the "regenerate" action."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from masthead.news.models import ArticlePage

from .models import Narration
from .services import lease_is_stale, narration_request


def narration_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("narration.view_narration"):
        raise PermissionDenied
    status = request.GET.get("status", "")
    narrations = Narration.objects.select_related("article").order_by("-requested_at", "-pk")
    if status in Narration.Status.values:
        narrations = narrations.filter(status=status)
    counts = {s: Narration.objects.filter(status=s).count() for s in Narration.Status.values}
    context = {
        "page_obj": Paginator(narrations, 50).get_page(request.GET.get("p")),
        "status": status,
        "statuses": [(value, label, counts[value]) for value, label in Narration.Status.choices],
        "total": sum(counts.values()),
        "page_title": "Narrations",
        "header_icon": "media",
    }
    return TemplateResponse(request, "narration/admin/list.html", context)


@require_http_methods(["GET", "POST"])
def narration_regenerate(request: HttpRequest, page_id: int) -> HttpResponse:
    """GET asks for confirmation; POST queues a fresh narration."""
    article = get_object_or_404(ArticlePage, pk=page_id)
    if not article.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    if request.method == "GET":
        context = {
            "article": article,
            "narration": Narration.objects.filter(article=article).first(),
            "page_title": "Regenerate narration",
            "header_icon": "media",
        }
        return TemplateResponse(request, "narration/admin/regenerate.html", context)
    if not article.live:
        messages.error(request, "Publish the article first: only published articles are narrated.")
    elif not article.narrate:
        messages.error(request, "Narration is switched off for this article (Settings tab).")
    else:
        current = Narration.objects.filter(article=article).first()
        # A run holding a live lease finishes first; a dead worker's is simply replaced.
        was_running = current is not None and current.status == Narration.Status.RUNNING
        was_running = was_running and not lease_is_stale(current, timezone.now())
        narration_request(article_id=article.pk, force=True)
        messages.success(request, regenerate_message(article.title, was_running))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = f"/admin/pages/{article.pk}/edit/"
    return redirect(target)


def regenerate_message(title: str, was_running: bool) -> str:
    if was_running:
        return (
            f"“{title}” is being narrated right now: that narration finishes and readers "
            "get its audio; a new one, with the latest text and pronunciations, is queued "
            "after it."
        )
    return f"Narration of “{title}” queued; the worker makes it."
