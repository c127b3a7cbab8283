"""Builds the demo newsroom from the JSON under demo/data/. Idempotent and offline."""

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from masthead.curation.models import EditorsPick, EditorsPicks
from masthead.news.models import (
    ArticleAuthor,
    ArticlePage,
    Author,
    Correction,
    HomePage,
    SectionPage,
)

from . import illustrations
from .audience import ensure_demo_audience

DATA_DIR = Path(__file__).parent / "data"
SECTIONS = [
    ("news", "News", "Calder Bay and the region: city hall, courts, schools, transit."),
    ("world", "World", "Dispatches from our correspondents abroad."),
    ("business", "Business", "Work, money and the local economy."),
    ("opinion", "Opinion", "Columns, editorials and letters. Opinions are the writers' own."),
    ("culture", "Culture", "Arts, music, books and food."),
]
PICKS = 4
# (user name, group, superuser): `masthead demo` prints these with the password.
DEMO_USERS = (
    ("editor", "Editor", False),
    ("reporter", "Reporter", False),
    ("admin", "Admin", True),
)
Progress = Callable[[str], None]


def read_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def demo_articles() -> list[dict]:
    articles = []
    for section, _, _ in SECTIONS:
        articles += read_json(f"articles_{section}.json")
    return articles


def ensure_home() -> HomePage:
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's placeholder "Welcome" page goes: the newsroom's home replaces it.
        for page in root.get_children().exact_type(Page):
            page.delete()
        home = root.add_child(instance=HomePage(title="Home", slug="home"))
        home.save_revision().publish()
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Demo"},
    )
    return home


def ensure_sections(home: HomePage) -> dict[str, SectionPage]:
    sections = {}
    for slug, title, intro in SECTIONS:
        section = SectionPage.objects.child_of(home).filter(slug=slug).first()
        if section is None:
            section = home.add_child(instance=SectionPage(title=title, slug=slug, intro=intro))
            section.save_revision().publish()
        sections[slug] = section
    return sections


def ensure_image(key: str, make: Callable[[], tuple], *, scene: str = "") -> tuple:
    """An image titled `key`, drawn once; returns (image, *what `make` says besides the
    bytes: alt text, caption). The file name starts with the scene's name."""
    Image = get_image_model()
    image = Image.objects.filter(title=key).first()
    data, *described = make()
    if image is None:
        name = "-".join(filter(None, [scene, key.replace(":", "-")]))
        image = Image(title=key, file=ContentFile(data, name=f"{name}.jpg"))
        image.save()
    return image, *described


def ensure_authors() -> dict[str, Author]:
    authors = {}
    for row in read_json("authors.json"):
        author = Author.objects.filter(slug=row["slug"]).first()
        if author is None:
            photo, alt = ensure_image(
                f"demo-author:{row['slug']}", lambda row=row: illustrations.portrait(row["name"])
            )
            author = Author.objects.create(
                slug=row["slug"], name=row["name"], role=row["role"], bio=row["bio"],
                photo=photo, photo_alt=alt,
            )  # fmt: skip
        authors[row["slug"]] = author
    return authors


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def article_picture(row: dict, key: str, scene: str) -> tuple:
    """(image, alt, caption) of a generated picture for the story in `row`."""
    where = illustrations.place_in(f"{row['title']} {row.get('dek', '')}")
    return ensure_image(key, lambda: illustrations.picture(scene, key, where), scene=scene)


def body_blocks(row: dict, pages: dict[str, ArticlePage], hero_scene: str) -> list[dict]:
    blocks = []
    for i, block in enumerate(row["body"]):
        kind = block["type"]
        if kind == "paragraph":
            blocks.append({"type": "paragraph", "value": paragraph(block["text"])})
        elif kind == "heading":
            blocks.append({"type": "heading", "value": block["text"]})
        elif kind == "quote":
            value = {"quote": block["text"], "attribution": block.get("attribution", "")}
            blocks.append({"type": "pull_quote", "value": value})
        elif kind == "editors_note":
            value = {"kind": block.get("kind", "editors_note"), "text": paragraph(block["text"])}
            blocks.append({"type": "editors_note", "value": value})
        elif kind == "list":
            value = {"ordered": block.get("ordered", False), "items": block["items"]}
            blocks.append({"type": "list", "value": value})
        elif kind == "image":
            pictures = sum(1 for b in blocks if b["type"] == "image")
            scene = illustrations.body_scene(row, pictures, hero_scene)
            image, alt, caption = article_picture(row, f"demo-body:{row['slug']}:{i}", scene)
            value = {"image": image.pk, "alt": alt, "caption": caption,
                     "credit": illustrations.CREDIT}  # fmt: skip
            blocks.append({"type": "image", "value": value})
        elif kind == "related" and block["slug"] in pages:
            blocks.append({"type": "related", "value": {"article": pages[block["slug"]].pk}})
    return blocks


def create_article(
    row: dict, section: SectionPage, authors: dict[str, Author], scene: str
) -> ArticlePage:
    hero, alt, caption = article_picture(row, f"demo-hero:{row['slug']}", scene)
    page = ArticlePage(
        title=row["title"], slug=row["slug"], dek=row.get("dek", ""),
        card_summary=row.get("summary", ""), hero_image=hero, hero_alt=alt,
        hero_caption=caption, hero_credit=illustrations.CREDIT, live=False,
    )  # fmt: skip
    if row.get("access"):
        page.access_level = row["access"]  # "members": the demo's registration wall
    for order, link in enumerate(row["authors"]):
        page.article_authors.add(
            ArticleAuthor(
                author=authors[link["author"]], role=link.get("role", ""), sort_order=order
            )
        )
    page.tags.add(*row.get("tags", []))
    section.add_child(instance=page)
    return page


def publish_article(
    row: dict, page: ArticlePage, pages: dict[str, ArticlePage], hero_scene: str, now: datetime
) -> None:
    page.body = body_blocks(row, pages, hero_scene)
    for order, correction in enumerate(row.get("corrections", [])):
        when = now - timedelta(hours=correction["hours_ago"])
        page.corrections.add(Correction(date=when, text=correction["text"], sort_order=order))
    if "last_updated_hours_ago" in row:
        page.last_updated_at = now - timedelta(hours=row["last_updated_hours_ago"])
    page.save_revision().publish()
    published = now - timedelta(hours=row["hours_ago"])
    ArticlePage.objects.filter(pk=page.pk).update(
        first_published_at=published, last_published_at=published, published_at=published
    )


def ensure_articles(
    sections: dict[str, SectionPage], authors: dict[str, Author], progress: Progress
) -> int:
    rows = demo_articles()
    scenes = illustrations.plan_heroes(rows)
    existing = {p.slug: p for p in ArticlePage.objects.all()}
    new_rows = [row for row in rows if row["slug"] not in existing]
    pages = dict(existing)
    for row in new_rows:
        pages[row["slug"]] = create_article(
            row, sections[row["section"]], authors, scenes[row["slug"]]
        )
    # Published newest first, ties as the site sorts them (news/selectors.newest_first):
    # publishing requests each narration (after the commit, in this order), and the worker
    # takes requests of equal priority first come, first served, so the stories at the top
    # of the home page are the first to get their audio.
    new_rows.sort(key=lambda r: (r["hours_ago"], -pages[r["slug"]].pk))
    now = timezone.now()  # one clock for all: stories published together tie exactly
    for n, row in enumerate(new_rows, 1):
        page = ArticlePage.objects.get(pk=pages[row["slug"]].pk)
        publish_article(row, page, pages, scenes[row["slug"]], now)
        if n % 20 == 0 or n == len(new_rows):
            progress(f"  published {n}/{len(new_rows)} articles")
    return len(new_rows)


def publish_demo_articles(rows: list[dict]) -> list[int]:
    """Create and publish these demo articles in one transaction (their narrations and
    other tasks are queued when it commits); returns their ids. For tests and benchmarks
    that need a few real articles rather than the whole demo."""
    home = ensure_home()
    sections, authors = ensure_sections(home), ensure_authors()
    scenes = illustrations.plan_heroes(rows)
    now = timezone.now()
    with transaction.atomic():
        pages = {r["slug"]: create_article(r, sections[r["section"]], authors, scenes[r["slug"]])
                 for r in rows}  # fmt: skip
        for r in rows:
            page = ArticlePage.objects.get(pk=pages[r["slug"]].pk)
            publish_article(r, page, pages, scenes[r["slug"]], now)
    return [p.pk for p in pages.values()]


def ensure_picks(progress: Progress) -> None:
    picks = EditorsPicks.load()
    if picks.picks.exists():
        return
    chosen = []
    for section, _, _ in SECTIONS[1:]:
        article = (
            ArticlePage.objects.live()
            .filter(slug__in=[r["slug"] for r in read_json(f"articles_{section}.json")])
            .order_by("-published_at")[1:2]
        )  # noqa: E501
        chosen += list(article)
    for order, article in enumerate(chosen[:PICKS]):
        EditorsPick.objects.create(collection=picks, article=article, sort_order=order)
    progress(f"  {len(chosen[:PICKS])} editors' picks")


def role(group: str, superuser: bool) -> str:
    return "Admin group, superuser" if superuser else f"{group} group"


def ensure_users(password: str) -> None:
    """The demo's three people, each with the role the name says (and the one password)."""
    User = get_user_model()
    for username, group, superuser in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.invalid", "first_name": username.title()},
        )
        # Set every time: an older demo made `editor` a superuser.
        user.is_staff = user.is_superuser = superuser
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=group)])


@transaction.atomic
def load_demo(*, password: str, progress: Progress = print) -> dict[str, int]:
    home = ensure_home()
    sections = ensure_sections(home)
    authors = ensure_authors()
    progress(f"  {len(sections)} sections, {len(authors)} authors")
    created = ensure_articles(sections, authors, progress)
    ensure_picks(progress)
    ensure_users(password)
    progress(
        "  users " + ", ".join(f"{name} ({role(group, su)})" for name, group, su in DEMO_USERS)
    )
    from .newsletters import ensure_demo_newsletters

    ensure_demo_newsletters(progress)
    views = ensure_demo_audience()
    if views:
        progress(f"  {views:,} demo reader views over the last 30 days")
    return {"sections": len(sections), "authors": len(authors), "articles_created": created}
