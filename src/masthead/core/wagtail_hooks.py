from django.conf import settings
from django.urls import path, reverse
from wagtail import hooks

from . import invalidation, two_factor
from .user_admin import BULK_ACTIONS

# Registered after Wagtail's own (a higher order comes later): the bulk action registry
# keeps the last class per action type, so these replace Wagtail's unguarded ones.
for _action in BULK_ACTIONS:
    hooks.register("register_bulk_action", _action, order=100)


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("2fa/verify/", two_factor.verify, name="masthead_2fa_verify"),
        path("2fa/setup/", two_factor.setup, name="masthead_2fa_setup"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    if not settings.MASTHEAD_OTP:
        return None
    return {
        "url": reverse("masthead_2fa_setup"),
        "label": "Set up two-step sign-in",
        "help_text": "Ask for a code from an authenticator app after your password.",
    }


@hooks.register("before_serve_page")
def tag_the_served_page(page, request, serve_args, serve_kwargs):
    """A page's cached response names the page, and the listing a home or section page is
    (core/invalidation.py: a new article there makes it stale)."""
    from masthead.news.models import ArticlePage, HomePage

    if isinstance(page, HomePage):
        invalidation.tag(f"page-{page.pk}", "home")
    elif isinstance(page, ArticlePage):
        invalidation.tag(f"page-{page.pk}")
    else:  # a section (or another listing page): its articles, and those of its subsections
        invalidation.tag(f"page-{page.pk}", f"section-{page.pk}")
