"""The stored-XSS attack, as an attacker with a newsroom account runs it: sign in, GET each
admin form, POST it back with payloads in every field the role may type into (no editor
JavaScript involved), then list every public and admin page that shows what was stored.

Used by test_xss_stored.py (HTTP-level parsing) and test_xss_browser.py (Chromium)."""

import datetime
import io
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image as PILImage
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page

from masthead.audience.models import DailyArticleViews
from masthead.core.roles import ensure_newsroom_roles
from masthead.distribution.models import Webhook, WebhookAttempt, WebhookDelivery
from masthead.narration.models import Narration
from masthead.news.models import ArticlePage, Author, SectionPage

from .xss_forms import contentstate, drop, form_fields, formset, stream_fields
from .xss_payloads import ALL, PAYLOADS, URL_PAYLOADS, Cycle, Payload, has_control_characters

ARTICLE_COUNT = 5
# Tag names become slugs and URLs: no quotes or commas (taggit's separators).
TAG_SAFE = [p for p in PAYLOADS if not set(p.text) & {'"', ","} and len(p.text) <= 100]


def jpeg() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 450), (30, 90, 150)).save(buffer, "JPEG")
    return buffer.getvalue()


class AdminSession:
    """One signed-in user driving the admin through plain HTTP."""

    def __init__(self, user: User):
        self.user = user
        self.client = Client()
        self.client.force_login(user)

    def form(self, url: str) -> dict[str, list[str]]:
        response = self.client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        self.last_url = response.redirect_chain[-1][0] if response.redirect_chain else url
        fields = form_fields(response.content.decode())
        # Inline panels keep a blank row in a <template>; browsers never submit it.
        return {k: v for k, v in fields.items() if "__prefix__" not in k}

    def submit(self, url: str, changes: dict, *, drop_prefixes=(), files=None) -> object:
        fields = self.form(url)
        for prefix in drop_prefixes:
            drop(fields, prefix)
        fields.update({k: v if isinstance(v, list) else [v] for k, v in changes.items()})
        url = self.last_url  # a settings URL redirects to the object's own
        response = self.client.post(url, {**fields, **(files or {})})
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 200:
            raise AssertionError(f"{url} refused the form: {form_errors(response)}")
        return response


def form_errors(response) -> str:
    context = response.context or {}
    for key in ("form", "edit_handler"):
        form = context.get(key)
        errors = getattr(form, "errors", None)
        if errors:
            return str(errors)
    return response.content.decode()[:2000]


def make_user(name: str, group: str | None, *, superuser: bool = False) -> User:
    if superuser:
        return User.objects.create_superuser(name, f"{name}@example.org", "pw")
    user = User.objects.create_user(name, f"{name}@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    return user


@dataclass
class Attack:
    articles: list[ArticlePage] = field(default_factory=list)
    sections: list[SectionPage] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    images: list = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)
    injected: set[int] = field(default_factory=set)  # payload numbers that were stored
    media_root: object = None

    def public_urls(self) -> list[str]:
        urls = ["/", "/search/?q=xss", "/search/?q=script", "/this-page-does-not-exist/"]
        urls += ["/corrections/"]
        urls += [a.url for a in self.articles]
        urls += [s.url for s in self.sections]
        urls += [f"/authors/{a.slug}/" for a in self.authors]
        urls += [f"/tags/{t.slug}/" for t in Tag.objects.exclude(slug="").order_by("pk")[:12]]
        return urls

    def reflected_urls(self) -> list[str]:
        from urllib.parse import quote

        chosen = [p for p in PAYLOADS if len(p.text) < 120][::9]
        urls = [f"/search/?q={quote(p.text)}" for p in chosen]
        urls += [f"/{quote(p.text, safe='')}/" for p in chosen[:6]]
        urls += [f"/tags/{quote(p.text, safe='')}/" for p in chosen[:3]]
        return urls

    def feed_urls(self) -> list[str]:
        urls = ["/feeds/rss.xml", "/feeds/atom.xml", "/podcast.xml"]
        urls += [f"/feeds/sections/{s.slug}/rss.xml" for s in self.sections]
        urls += [f"/feeds/sections/{s.slug}/atom.xml" for s in self.sections]
        urls += [f"/feeds/authors/{a.slug}/rss.xml" for a in self.authors]
        urls += [f"/feeds/tags/{t.slug}/atom.xml" for t in Tag.objects.exclude(slug="")[:4]]
        return urls

    def sitemap_urls(self) -> list[str]:
        return ["/sitemap.xml", "/news-sitemap.xml"] + [
            f"/sitemap-{name}.xml" for name in ("pages", "articles", "authors", "topics")
        ]

    def api_urls(self) -> list[str]:
        urls = ["/api/v2/articles/?fields=*", "/api/v2/sections/?fields=*"]
        urls += ["/api/v2/authors/?fields=*", "/api/v2/tags/?fields=*"]
        urls += [f"/api/v2/articles/{a.pk}/" for a in self.articles]
        return urls

    def admin_urls(self, edit_pages: int = ARTICLE_COUNT) -> list[str]:
        first = self.articles[0]
        revisions = list(first.revisions.order_by("pk").values_list("pk", flat=True))
        urls = ["/admin/", f"/admin/pages/{self.sections[0].pk}/", "/admin/pages/search/?q=xss"]
        urls += [f"/admin/pages/{a.pk}/edit/" for a in self.articles[:edit_pages]]
        urls += [
            f"/admin/pages/{first.pk}/history/",
            f"/admin/pages/{first.pk}/revisions/compare/{revisions[0]}...{revisions[-1]}/",
            "/admin/images/",
            f"/admin/images/{self.images[0].pk}/",
            "/admin/snippets/news/author/",
            f"/admin/snippets/news/author/edit/{self.authors[0].pk}/",
            "/admin/snippets/narration/pronunciationentry/",
            "/admin/narrations/",
            "/admin/audience/",
            "/admin/reports/locked/",
            "/admin/reports/site-history/",
            "/admin/reports/aging-pages/",
            "/admin/reports/workflow/",
            "/admin/workflows/tasks/index/",
            "/admin/webhooks/endpoints/",
            "/admin/webhooks/deliveries/",
            f"/admin/webhooks/deliveries/inspect/{WebhookDelivery.objects.first().pk}/",
            "/admin/redirects/",
            "/admin/settings/curation/editorspicks/",
            "/admin/users/",
        ]
        return urls


# --- what each role types ----------------------------------------------------------------


def article_fields(cycle: Cycle, share: list[Payload], *, author: Author, image, parent) -> dict:
    """Every editor-typed field of an article, with payloads in each."""
    c = cycle
    link_runs = [[("link ", None), (f"xss {p.n}", p.text)] for p in URL_PAYLOADS]
    # Bare URLs as the browser would see them after decoding entities, as long as that
    # leaves no control character (the input validation refuses those).
    decoded = [p for p in URL_PAYLOADS if not has_control_characters(_unescape(p.text))]
    link_runs += [[("decoded ", None), (f"xss {p.n}", _unescape(p.text))] for p in decoded]
    # Page links whose id is a payload (the editor only ever sends a number).
    link_runs += [[("page ", None), (f"xss {p.n}", {"id": p.text})] for p in share[:8]]
    text_runs = [[(p.text, None)] for p in share]
    note = contentstate(text_runs[:40] + link_runs)
    body = [
        ("paragraph", contentstate(text_runs + link_runs)),
        *[("heading", c.one(200).text) for _ in range(6)],
        ("pull_quote", {"quote": " ".join(p.text for p in share), "attribution": c.take(200)}),
        ("editors_note", {"kind": "verification", "text": note}),
        ("embed", {"title": c.take(200), "html": " ".join(p.text for p in share)}),
        ("list", {"ordered": True, "items": [p.text for p in share]}),
        *[
            (
                "image",
                {
                    "image": image.pk,
                    "alt": c.take(250),
                    "caption": c.take(400),
                    "credit": c.take(120),
                },
            )
            for _ in range(3)
        ],  # fmt: skip
        ("related", {"article": parent["related"]}) if parent.get("related") else None,
    ]
    tags = [c.one(100) for _ in range(4)]
    tag_text = ", ".join(f'"{t.text}"' for t in tags if t in TAG_SAFE) or '"xss"'
    fields = {
        "title": c.take(255),
        "dek": c.take(300),
        "hero_image": str(image.pk),
        "hero_alt": c.take(250),
        "hero_caption": c.take(400),
        "hero_credit": c.take(120),
        "tags": tag_text,
        "seo_title": c.take(255),
        "search_description": c.take(1000, count=14),
        "card_summary": c.take(240),
        **formset("article_authors", [{"author": author.pk, "role": c.take(80)}], {}),
        **formset(
            "corrections",
            [
                {"kind": kind, "date": "2026-01-02 10:00", "text": c.take(1000, count=14)}
                for kind in ("correction", "clarification")
            ],
            {},
        ),
        **stream_fields("body", [b for b in body if b is not None]),
    }
    fields["article_authors-MIN_NUM_FORMS"] = "1"
    return fields


INLINE_PANELS = ("article_authors-", "corrections-", "read_also_picks-")


def only_body(fields: dict) -> dict:
    return {k: v for k, v in fields.items() if k.startswith("body-")}


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def _tags_from(cycle: Cycle) -> str:
    chosen = [cycle.one(100) for _ in range(3)]
    return ", ".join(f'"{p.text}"' for p in chosen if p in TAG_SAFE) or "xss"


def run_attack(section: SectionPage) -> Attack:
    """Every role injects what it may; returns what to look at afterwards."""
    ensure_newsroom_roles()
    attack = Attack(sections=[section])
    users = attack.users
    users["reporter"] = make_user("reporter", "Reporter")
    users["editor"] = make_user("editor", "Editor")
    users["admin"] = make_user("admin", "Admin")
    users["chief"] = make_user("chief", None, superuser=True)
    reporter, editor, admin, chief = (AdminSession(users[k]) for k in users)
    cycle = Cycle(ALL)
    tag_cycle = Cycle(TAG_SAFE, start=7)

    # The reporter's own name shows in page history, workflow lists and revisions.
    reporter.submit(
        "/admin/account/",
        {"name_email-first_name": cycle.take(150), "name_email-last_name": cycle.take(150)},
    )

    # Images: the reporter uploads, the editor renames.
    image_model = get_image_model()
    for uploader in (reporter, editor):
        uploader.submit(
            "/admin/images/add/",
            {"title": cycle.take(255), "description": cycle.take(255),
             "tags": _tags_from(tag_cycle)},
            files={"file": SimpleUploadedFile("x.jpg", jpeg(), content_type="image/jpeg")},
        )  # fmt: skip
    attack.images = list(image_model.objects.order_by("pk"))
    editor.submit(f"/admin/images/{attack.images[0].pk}/", {"title": cycle.take(255)})

    # An author snippet (editor) with a photo.
    editor.submit(
        "/admin/snippets/news/author/add/",
        {"name": cycle.take(120), "slug": "xss-author", "role": cycle.take(120),
         "bio": cycle.take(1000, count=16), "photo": str(attack.images[0].pk),
         "photo_alt": cycle.take(250)},
    )  # fmt: skip
    attack.authors = list(Author.objects.filter(slug="xss-author"))
    author = attack.authors[0]

    # The section itself (editor): its title is in every page's navigation.
    editor.submit(
        f"/admin/pages/{section.pk}/edit/",
        {"title": cycle.take(255), "intro": cycle.take(500), "action-publish": "action-publish"},
    )

    # Articles: each role writes some; the corpus is shared out so that every payload
    # lands in the big fields (paragraphs, list, pull quote, embed) of one article.
    shares = [PAYLOADS[i::ARTICLE_COUNT] for i in range(ARTICLE_COUNT)]
    writers = [reporter, editor, editor, admin, chief]
    image = attack.images[0]
    for i, (writer, share) in enumerate(zip(writers, shares, strict=True)):
        related = attack.articles[-1].pk if attack.articles else None
        fields = article_fields(
            cycle, share, author=author, image=image, parent={"related": related}
        )
        fields["slug"] = f"xss-article-{i}"
        url = f"/admin/pages/add/news/articlepage/{section.pk}/"
        if writer is reporter:
            # The reporter saves a draft and submits it for review ...
            writer.submit(url, {**fields, "action-submit": "action-submit"},
                          )  # fmt: skip
            page = ArticlePage.objects.get(slug=fields["slug"])
            # ... and the editor publishes it as it stands: the form as the editor's
            # browser posts it back (the stream is rebuilt by the editor's JavaScript).
            editor.submit(f"/admin/pages/{page.pk}/edit/", {**only_body(fields),
                          "action-publish": "action-publish"})  # fmt: skip
        else:
            writer.submit(url, {**fields, "action-publish": "action-publish"})
        attack.articles.append(ArticlePage.objects.get(slug=fields["slug"]))

    # A second revision of the first article (editor), so revisions can be compared.
    first = attack.articles[0]
    fields = article_fields(cycle, shares[0][::-1], author=author, image=image, parent={})
    fields = {k: v for k, v in fields.items() if not k.startswith(INLINE_PANELS)}
    fields["slug"] = first.slug
    editor.submit(f"/admin/pages/{first.pk}/edit/", {**fields, "action-publish": "action-publish"})
    attack.articles = [
        a.specific
        for a in ArticlePage.objects.filter(pk__in=[a.pk for a in attack.articles]).order_by("pk")
    ]  # noqa: E501

    # Editors' picks (editor): the picked articles' titles show in every rail.
    editor.submit(
        "/admin/settings/curation/editorspicks/",
        formset("picks", [{"article": a.pk, "until": ""} for a in attack.articles[:4]], {}),
    )

    # Pronunciation lexicon (editor).
    for k in range(4):
        editor.submit(
            "/admin/snippets/narration/pronunciationentry/add/",
            {"phrase": f"xss{k} " + cycle.take(100), "spoken": cycle.take(200),
             "note": cycle.take(200)},
        )  # fmt: skip

    # Redirects (admin group): a payload path; a link field the model validates.
    admin.submit(
        "/admin/redirects/add/",
        {"old_path": "/old/" + cycle.one(200).text, "site": "", "redirect_link": "",
         "redirect_page": str(first.pk), "is_permanent": "on"},
    )  # fmt: skip

    # A webhook endpoint (superuser), switched off so nothing is sent from the test.
    chief.submit(
        "/admin/webhooks/endpoints/new/",
        {"name": cycle.take(120), "url": "https://example.org/hook", "events": [],
         "secret": "s3cret", "is_active": ""},
    )  # fmt: skip
    _delivery_log(cycle, first)
    _system_records(attack)
    return attack


def _delivery_log(cycle: Cycle, article: ArticlePage) -> None:
    """What the delivery service records (webhooks.post): the article's title and the
    receiver's response, which a hostile receiver writes."""
    hook = Webhook.objects.get()
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="article.published", article_id=article.pk, title=article.title,
        body="{}", status=WebhookDelivery.Status.FAILED, error=cycle.take(500),
    )  # fmt: skip
    WebhookAttempt.objects.create(
        delivery=delivery, number=1, at=timezone.now(), status_code=500,
        error=cycle.take(500), response_excerpt=cycle.take(500),
    )  # fmt: skip


def _system_records(attack: Attack) -> None:
    """Rows the system writes about these articles (narrations, view counts), so the
    podcast, the narrations list and the audience report show their titles."""
    today = timezone.localdate()
    for k, article in enumerate(attack.articles):
        Narration.objects.update_or_create(
            article=article,
            defaults={
                "status": "ready" if k % 2 == 0 else "failed",
                "audio": ContentFile(b"ID3" + b"\0" * 64, name=f"xss-{k}.mp3"),
                "timings": ContentFile(b'{"words": []}', name=f"xss-{k}.json"),
                "audio_size": 67, "duration": 1.5, "voice": "test",
                "error": "" if k % 2 == 0 else article.title,
                "requested_at": timezone.now(), "audio_updated_at": timezone.now(),
            },
        )  # fmt: skip
        for days in range(3):
            DailyArticleViews.objects.update_or_create(
                article=article, day=today - datetime.timedelta(days=days),
                defaults={"views": 10 + k},
            )  # fmt: skip
    for p in ALL:
        attack.injected.add(p.n)


def build_site() -> SectionPage:
    """Home and one section, as tests/conftest.py's `home` and `section` fixtures make
    them (those are function-scoped; the attack is run once per module)."""
    from wagtail.models import Site

    from masthead.news.models import HomePage

    root = Page.get_first_root_node()
    for page in root.get_children():
        page.delete()
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    Site.objects.all().delete()
    Site.objects.create(hostname="testserver", port=80, root_page=home, is_default_site=True)
    section = home.add_child(instance=SectionPage(title="News", slug="news"))
    section.save_revision().publish()
    return section


@contextmanager
def attack_once(django_db_blocker, media_root):
    """The attack in a transaction of its own, rolled back after the module's tests
    (each of which runs in a savepoint inside it)."""
    with (
        override_settings(MEDIA_ROOT=media_root, MASTHEAD_NARRATION_ENABLED=False),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        attack = run_attack(build_site())
        attack.media_root = media_root
        yield attack
        transaction.set_rollback(True)
