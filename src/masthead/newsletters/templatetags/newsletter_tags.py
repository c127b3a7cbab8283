"""The sign-up box of the home and article pages' rail. The same HTML for every reader
(no token, no address): it is part of pages the page cache keeps."""

from django import template

from masthead.core.memo import memo

from ..forms import SubscribeForm
from ..models import Newsletter

register = template.Library()
MEMO_KEY = ("newsletters-offered",)


def offered() -> list[Newsletter]:
    # Kept per process until the next publish (core/memo.py); a newsletter's save starts
    # a new generation (signal_handlers.py).
    return memo.get(MEMO_KEY, lambda: list(Newsletter.objects.filter(active=True)))


@register.inclusion_tag("newsletters/includes/signup_box.html", takes_context=True)
def newsletter_signup(context, source: str = "") -> dict:
    newsletters = offered()
    if not newsletters:
        return {"form": None}
    page = context.get("page")
    source = source or (
        "article" if page is not None and page.specific_class.__name__ == "ArticlePage" else "home"
    )
    form = SubscribeForm(newsletters=newsletters)
    return {"form": form, "source": source, "single": len(newsletters) == 1}
