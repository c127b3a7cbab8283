"""Admin views for issues: "Send to newsletter" from an article, a digest, the issue page
(preview, test send to oneself, send now or schedule, progress and counts), the list."""

from datetime import datetime

from csp.decorators import csp
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from masthead.news.models import ArticlePage
from masthead.news.visibility import visible_to_readers

from . import issue_mail, issues, sending
from .addresses import normalise_email
from .models import Newsletter, Send


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(f"newsletters.{permission}"):
        raise PermissionDenied


def _active_newsletters():
    return Newsletter.objects.filter(active=True)


class ArticleSendForm(forms.Form):
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.none(), empty_label=None)
    subject = forms.CharField(
        max_length=200, required=False, help_text="Leave empty to use the headline."
    )
    intro = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Optional words above the story.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["newsletter"].queryset = _active_newsletters()


class DigestForm(forms.Form):
    newsletter = forms.ModelChoiceField(queryset=Newsletter.objects.none(), empty_label=None)
    subject = forms.CharField(
        max_length=200, required=False, help_text="Leave empty for “<newsletter>, <date>”."
    )
    articles = forms.ModelMultipleChoiceField(
        queryset=ArticlePage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose the stories, or none for the day’s most read (by views).",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["newsletter"].queryset = _active_newsletters()
        recent = visible_to_readers(ArticlePage.objects.all()).order_by("-published_at")[:30]
        self.fields["articles"].queryset = ArticlePage.objects.filter(
            pk__in=[a.pk for a in recent]
        ).order_by("-published_at")


def _render(request, template: str, context: dict) -> TemplateResponse:
    context.setdefault("header_icon", "mail")
    return TemplateResponse(request, f"newsletters/admin/{template}.html", context)


def article_send(request: HttpRequest, page_id: int) -> HttpResponse:
    """ "Send to newsletter" from a published article: a draft issue, then its page."""
    _require(request, "add_send")
    article = get_object_or_404(ArticlePage, pk=page_id)
    form = ArticleSendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            send = issues.create_send(newsletter_id=form.cleaned_data["newsletter"].pk,
                                      article_ids=[article.pk], user=request.user,
                                      subject=form.cleaned_data["subject"],
                                      intro=form.cleaned_data["intro"])  # fmt: skip
        except issues.NotSendable as error:
            messages.error(request, str(error))
        else:
            return redirect("newsletters_issue", send.pk)
    if not article.live:
        messages.warning(request, "This article is not published: publish it before sending.")
    return _render(request, "article_send", {"form": form, "article": article,
                   "page_title": "Send to newsletter"})  # fmt: skip


def digest_new(request: HttpRequest) -> HttpResponse:
    _require(request, "add_send")
    form = DigestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = [a.pk for a in form.cleaned_data["articles"]]
        try:
            send = issues.create_digest(newsletter_id=form.cleaned_data["newsletter"].pk,
                                        article_ids=chosen, subject=form.cleaned_data["subject"],
                                        user=request.user)  # fmt: skip
        except issues.NotSendable as error:
            messages.error(request, str(error))
        else:
            return redirect("newsletters_issue", send.pk)
    return _render(request, "digest_new", {"form": form, "page_title": "New digest"})


def issue_list(request: HttpRequest) -> HttpResponse:
    _require(request, "view_send")
    sends = Send.objects.select_related("newsletter").order_by("-created_at", "-pk")
    page = Paginator(sends, 50).get_page(request.GET.get("p"))
    return _render(request, "issue_list", {"page_obj": page, "page_title": "Newsletter issues"})


def issue_detail(request: HttpRequest, send_id: int) -> HttpResponse:
    _require(request, "view_send")
    send = get_object_or_404(Send.objects.select_related("newsletter"), pk=send_id)
    stories = ArticlePage.objects.filter(pk__in=send.article_ids).only("title")
    context = {
        "send": send,
        "stories": sorted(stories, key=lambda a: send.article_ids.index(a.pk)),
        "page_title": send.subject,
        "can_send": request.user.has_perm("newsletters.change_send"),
        "editable": send.status in (Send.Status.DRAFT, Send.Status.SCHEDULED),
        "resumable": send.status == Send.Status.FAILED,
        "default_when": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "subscribers": send.newsletter.subscriptions.filter(status="confirmed").count(),
        "refresh": send.status == Send.Status.SENDING,
    }
    return _render(request, "issue_detail", context)


@csp({"default-src": ["'none'"], "style-src": ["'unsafe-inline'"],
      "img-src": ["'self'", "data:", "http:", "https:"], "sandbox": [""]})  # fmt: skip
def issue_preview(request: HttpRequest, send_id: int) -> HttpResponse:
    """The e-mail as subscribers see it, in a sandbox (its inline styles allowed here only)."""
    _require(request, "view_send")
    send = get_object_or_404(Send.objects.select_related("newsletter"), pk=send_id)
    try:
        html = send.html or issues.preview(send)
    except issue_mail.NothingToSend as error:
        html = f"<p>Nothing to preview: {error}.</p>"
    response = HttpResponse(html)
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response


@require_POST
def issue_action(request: HttpRequest, send_id: int) -> HttpResponse:
    """Test send, send now, schedule, cancel, resume."""
    _require(request, "change_send")
    send = get_object_or_404(Send, pk=send_id)
    action = request.POST.get("action", "")
    try:
        _act(request, send, action)
    except (sending.InvalidTransition, issues.NotSendable, issue_mail.NothingToSend) as error:
        messages.error(request, f"Not possible now: {error}.")
    return redirect("newsletters_issue", send.pk)


def _act(request: HttpRequest, send: Send, action: str) -> None:
    if action == "test":
        address = normalise_email(request.user.email)
        if address is None:
            messages.error(request, "Your account has no valid e-mail address (Account settings).")
            return
        issues.send_test(send_id=send.pk, to=address)
        messages.success(request, f"A test copy went to {address}.")
    elif action == "send":
        sending.schedule(send_id=send.pk)
        messages.success(request, "Sending: the worker sends it in the background.")
    elif action == "schedule":
        when = _parse_when(request.POST.get("when", ""))
        if when is None or when <= timezone.now():
            messages.error(request, "Give a date and time in the future.")
            return
        sending.schedule(send_id=send.pk, at=when)
        messages.success(request, f"Scheduled for {timezone.localtime(when):%B %-d, %H:%M}.")
    elif action == "cancel":
        sending.cancel(send_id=send.pk)
        messages.success(request, "Cancelled: nothing more will be sent.")
    elif action == "resume":
        sending.schedule(send_id=send.pk)
        messages.success(request, "Resumed: only those not sent yet will get it.")
    else:
        messages.error(request, "Unknown action.")


def _parse_when(value: str) -> datetime | None:
    try:
        naive = datetime.strptime(value.strip()[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return timezone.make_aware(naive)
