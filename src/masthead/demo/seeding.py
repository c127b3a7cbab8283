"""Bulk seeding of synthetic articles, for scale tests and benchmarks (`seed_articles`).

A newsroom of 100,000 articles in a couple of minutes: pages are written with bulk
inserts (Wagtail's tree columns computed here), not saved and published one by one, so
no signal fires for any article: no page-cache invalidation, no narration, no webhook.

What each article gets, as an editor-made one would:
- a tree position under a section (treebeard path, depth, the section's numchild), url_path,
  slug, locale and translation key, live with first/last publication dates spread over
  the past years;
- a headline, standfirst and a body of paragraphs (with the odd subheading and pull
  quote) from a small generator of original newsroom prose; a stored reading time;
- a hero image reused from a handful (the demo's, or a few drawn here), authors and
  tags reused from a small set;
- its search index entry (through the search backend's bulk add) and its reference-index
  rows (so the admin's "usage" counts are right).

No revision is written: a page without one renders and opens in the editor from its own
fields; the first save in the admin creates its first revision.

Each batch is one transaction: a failure leaves the batches before it, complete, and
nothing of the failing one.
"""

import html
import random
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, ReferenceIndex, Site
from wagtail.search.backends import get_search_backends

from masthead.news import reading_time
from masthead.news.models import (
    ArticleAuthor,
    ArticlePage,
    ArticleTag,
    Author,
    HomePage,
    SectionPage,
)
from masthead.news.text import count_words

Progress = Callable[[str], None]

DEFAULT_BATCH = 5_000
MAX_BATCH = 50_000
DEFAULT_YEARS = 5
HERO_IMAGES = 8  # at most this many distinct hero images are reused
GENERATED_IMAGES = 6  # drawn when the newsroom has no hero images yet
SYNTHETIC_AUTHORS = 12  # created when the newsroom has fewer than this many authors
PARAGRAPH_POOL = 3_000  # bodies are drawn from a pool of paragraphs (speed)


class SeedingError(Exception):
    """Seeding refused or stopped; the message says why and what was written."""


@dataclass(frozen=True)
class Hero:
    image_id: int
    alt: str
    caption: str
    credit: str


@dataclass
class Newsroom:
    """What seeded articles are attached to: reused, or created once beforehand."""

    home: HomePage
    sections: list[SectionPage]
    authors: list[Author]
    heroes: list[Hero]
    tags: list[Tag]


@dataclass
class SeedResult:
    created: int
    seconds: float
    sections: int
    authors: int
    images: int
    tags: int

    @property
    def per_second(self) -> float:
        return self.created / self.seconds if self.seconds > 0 else 0.0


# --- original prose ---------------------------------------------------------------------

ACTORS = [
    "City council", "The school board", "Harbour commissioners", "Transit officials",
    "Market traders", "Hospital managers", "The county clerk", "Library trustees",
    "Shop owners", "Tenant groups", "Fire officials", "The port authority",
    "State regulators", "Parents", "Volunteers", "A neighbourhood association",
    "The mayor's office", "Dock workers", "Researchers at Calder Bay College",
    "The water utility", "Ferry operators", "Youth coaches", "Museum curators",
    "Health inspectors", "Planning officers", "Bus drivers", "Farmers", "Nurses",
]  # fmt: skip
ACTIONS = [
    "approves", "delays", "questions", "backs", "rejects", "reviews", "expands",
    "trims", "revives", "pauses", "debates", "funds", "redraws", "defends", "challenges",
]  # fmt: skip
PAST = {
    "approves": "approved", "delays": "delayed", "questions": "questioned",
    "backs": "backed", "rejects": "rejected", "reviews": "reviewed", "expands": "expanded",
    "trims": "trimmed", "revives": "revived", "pauses": "paused", "debates": "debated",
    "funds": "funded", "redraws": "redrew", "defends": "defended",
    "challenges": "challenged",
}  # fmt: skip
THINGS = [
    "plan for a new ferry terminal", "budget for road repairs",
    "proposal to extend library hours", "zoning change on the east waterfront",
    "contract for school buses", "study of flood defences", "rules for short-term rentals",
    "grant for the covered market", "pilot of late-night bus routes",
    "renovation of the old quay warehouse", "cuts to clinic opening hours",
    "housing scheme near the rail yards", "bike lanes on Harbour Street",
    "tax break for small bakeries", "curfew at the skate park", "new rules for food stalls",
    "closure of the Linden Road pool", "survey of lead water pipes",
    "festival on the Salt Road", "speed limit outside primary schools",
    "deal with the cargo terminal operator", "review of police overtime",
    "move of the city archive", "wage deal for cleaners", "plan to plant 4,000 trees",
    "ban on idling delivery vans", "sale of the Dock Road depot",
    "expansion of the night shelter", "repairs to the sea wall", "new season at the playhouse",
]  # fmt: skip
PLACES = [
    "in Old Quay", "in the Marrow Flats", "on Fenwick Hill", "along Dock Road",
    "downtown", "in Northgate", "near Kessel Street", "on the east waterfront",
    "across the bay", "in the harbour district", "by the rail yards", "in the old town",
]  # fmt: skip
DAYS = [
    "on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "this week",
    "late on Thursday", "at a packed meeting", "after a long hearing", "last month",
]  # fmt: skip
FIRST_NAMES = [
    "Amara", "Bram", "Celia", "Dov", "Esme", "Farid", "Greta", "Hal", "Ines", "Jonah",
    "Kaia", "Luca", "Mina", "Nils", "Oona", "Pavel", "Rhea", "Soren", "Talia", "Uri",
    "Vera", "Wen", "Yusuf", "Zora",
]  # fmt: skip
LAST_NAMES = [
    "Abbot", "Brennan", "Castell", "Dunmore", "Ekwueme", "Falk", "Garrow", "Hollis",
    "Iqbal", "Jansen", "Kovac", "Lindqvist", "Moreau", "Nakamura", "Okonjo", "Pryce",
    "Quill", "Rask", "Sato", "Thorne", "Ulloa", "Varga", "Whitlock", "Yeboah",
]  # fmt: skip
ROLES = [
    "a council member", "a spokesperson for the port authority", "a local shop owner",
    "a retired teacher", "the union's branch secretary", "a parent of two",
    "a professor of urban planning at Calder Bay College", "the committee's chair",
    "a ferry captain", "a volunteer at the food bank", "a nurse at St. Brigid's",
]  # fmt: skip
QUOTES = [
    "We have waited long enough for a straight answer",
    "Nobody here is against change, but the numbers have to add up",
    "This is the first good news our street has had in years",
    "People will judge it by whether the buses turn up on time",
    "We were told about it the night before the vote",
    "It is a small step, and a cheap one, and it should have come sooner",
    "I would rather get it right than get it done by the summer",
    "The question is who pays when the estimates turn out to be wrong",
    "Our members will read the details before they say yes to anything",
    "You cannot run a city on promises made in March",
]  # fmt: skip
SOURCES = [
    "figures released by the city", "a report seen by the Ledger", "the committee's papers",
    "the operator's annual accounts", "an independent review", "the latest census figures",
]  # fmt: skip
STANCES = ["in favour", "opposed", "asking for more time", "worried about the cost",
           "sceptical of the timetable", "broadly supportive"]  # fmt: skip
NEXT = [
    "A final vote is expected next month.", "The plan goes out to consultation in the spring.",
    "Officials said a decision would come before the budget is set.",
    "The committee meets again in three weeks.",
    "No date has been set for the next hearing.",
    "Work could start as early as next year if the money is found.",
]  # fmt: skip
HEADINGS = ["What happens next", "The cost", "How we got here", "What residents say",
            "The numbers", "Who decides"]  # fmt: skip
TOPIC_TAGS = [
    "City Hall", "Transit", "Housing", "Schools", "Waterfront", "Health", "Courts",
    "Environment", "Small Business", "Labour", "Arts", "Food", "Weather", "Budget",
    "Planning", "Policing", "Port", "Libraries", "Sport", "Elections", "Energy", "Trade",
    "Heritage", "Cycling", "Climate", "Tourism", "Water", "Parks", "Music", "Books",
]  # fmt: skip
EXTRA_SECTIONS = [
    ("news", "News", "Calder Bay and the region: city hall, courts, schools, transit."),
    ("world", "World", "Dispatches from our correspondents abroad."),
    ("business", "Business", "Work, money and the local economy."),
    ("opinion", "Opinion", "Columns, editorials and letters. Opinions are the writers' own."),
    ("culture", "Culture", "Arts, music, books and food."),
]


class StoryWriter:
    """Plausible local-news prose from a small vocabulary; deterministic for a seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def topic(self) -> tuple[str, str, str, str]:
        r = self.rng
        return r.choice(ACTORS), r.choice(ACTIONS), r.choice(THINGS), r.choice(PLACES)

    def headline(self, topic: tuple[str, str, str, str]) -> str:
        actor, action, thing, place = topic
        text = f"{actor} {action} {thing}"
        if self.rng.random() < 0.4 and place.split()[-1] not in thing:
            text += f" {place}"
        return text[:1].upper() + text[1:]

    def dek(self, topic: tuple[str, str, str, str]) -> str:
        actor, action, thing, place = topic
        r = self.rng
        return (
            f"The {thing} has divided residents {place}; "
            f"{r.choice(STANCES)} is how most speakers described themselves {r.choice(DAYS)}."
        )

    def lead(self, topic: tuple[str, str, str, str]) -> str:
        actor, action, thing, place = topic
        r = self.rng
        actor = actor if actor.startswith(("The ", "A ")) else actor.lower()
        actor = actor[:1].upper() + actor[1:]
        return (
            f"{actor} {PAST[action]} the {thing} {r.choice(DAYS)}, "
            f"a decision that will be felt most {place}. "
            f"{self.sentence()} {self.sentence()}"
        )

    def sentence(self) -> str:
        r = self.rng
        kind = r.randrange(6)
        if kind == 0:
            return f"“{r.choice(QUOTES)},” said {self.person()}, {r.choice(ROLES)}."
        if kind == 1:
            return (
                f"The {r.choice(THINGS)} would cost about ${r.randint(1, 40)}."
                f"{r.randint(1, 9)} million over {r.randint(2, 10)} years, "
                f"according to {r.choice(SOURCES)}."
            )
        if kind == 2:
            return (
                f"{r.randint(12, 240)} people spoke at the meeting {r.choice(PLACES)}, "
                f"most of them {r.choice(STANCES)}."
            )
        if kind == 3:
            return r.choice(NEXT)
        if kind == 4:
            return (
                f"{r.choice(ACTORS)} said the city had {r.choice(['twice', 'already', 'never'])} "
                f"{PAST[r.choice(ACTIONS)]} a similar {r.choice(THINGS).split(' ', 1)[0]} "
                f"{r.choice(PLACES)}."
            )
        return (
            f"Asked about the {r.choice(THINGS)}, {self.person()}, {r.choice(ROLES)}, "
            f"said residents {r.choice(PLACES)} deserved a clearer explanation."
        )

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randint(2, 4)))


# --- the newsroom the articles go into ---------------------------------------------------


def ensure_newsroom(*, sections: int | None, progress: Progress) -> Newsroom:
    """The home page, `sections` sections (existing first), authors, hero images and tags.

    Creates only what is missing. Raises SeedingError when there is no Wagtail site.
    """
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise SeedingError(
            "No Wagtail site: run `masthead manage migrate` first (it creates the default "
            "site), or `masthead demo`."
        )
    home = site.root_page.specific
    if not isinstance(home, HomePage):
        if type(home) is Page and home.depth == 2 and not home.get_children().exists():
            home = replace_placeholder(site, home)
            progress("  created the home page")
        else:
            raise SeedingError(
                f"The default site's root page is “{home.title}” ({type(home).__name__}), not "
                "a newsroom home page: there is nowhere to put articles."
            )
    return Newsroom(
        home=home,
        sections=ensure_sections(home, wanted=sections, progress=progress),
        authors=ensure_authors(progress),
        heroes=ensure_heroes(progress),
        tags=ensure_tags(),
    )


def replace_placeholder(site: Site, placeholder: Page) -> HomePage:
    """A fresh install's "Welcome to Wagtail" page gives way to a newsroom home page; the
    site keeps its host name, port and name."""
    hostname, port, site_name = site.hostname, site.port, site.site_name
    root = placeholder.get_parent()
    placeholder.delete()  # the site goes with it (a cascade) and is made again below
    home = root.add_child(instance=HomePage(title="Home", slug="home"))
    home.save_revision().publish()
    Site.objects.create(
        hostname=hostname, port=port, site_name=site_name, root_page=home, is_default_site=True
    )
    return home


def ensure_sections(home: HomePage, *, wanted: int | None, progress: Progress) -> list[SectionPage]:
    existing = list(SectionPage.objects.child_of(home).live().order_by("path"))
    if wanted is None:
        wanted = len(existing) or len(EXTRA_SECTIONS)
    sections = existing[:wanted]
    slugs = {s.slug for s in SectionPage.objects.child_of(home)}
    candidates = iter(EXTRA_SECTIONS)
    number = len(EXTRA_SECTIONS)
    while len(sections) < wanted:
        slug, title, intro = next(candidates, (None, None, None))
        if slug is None:
            number += 1
            slug, title, intro = f"section-{number}", f"Section {number}", ""
        if slug in slugs:
            continue
        section = home.add_child(instance=SectionPage(title=title, slug=slug, intro=intro))
        section.save_revision().publish()
        slugs.add(slug)
        sections.append(section)
        progress(f"  created the section “{title}”")
    return sections


def ensure_authors(progress: Progress) -> list[Author]:
    authors = list(Author.objects.order_by("pk"))
    if len(authors) >= SYNTHETIC_AUTHORS:
        return authors
    rng = random.Random("masthead-seed-authors")
    taken = {a.slug for a in authors}
    created = 0
    while len(authors) < SYNTHETIC_AUTHORS:
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        slug = slugify(name)
        if slug in taken:
            continue
        taken.add(slug)
        role = rng.choice(["Reporter", "Staff Writer", "Correspondent", "Editor"])
        authors.append(Author.objects.create(name=name, slug=slug, role=role))
        created += 1
    progress(f"  created {created} authors")
    return authors


def ensure_heroes(progress: Progress) -> list[Hero]:
    """Hero images already used by articles (with their alt text), else a few drawn here."""
    heroes: dict[int, Hero] = {}
    rows = (
        ArticlePage.objects.exclude(hero_image=None)
        .exclude(hero_alt="")
        .order_by("pk")
        .values_list("hero_image_id", "hero_alt", "hero_caption", "hero_credit")
    )
    for image_id, alt, caption, credit in rows[: HERO_IMAGES * 20]:
        heroes.setdefault(image_id, Hero(image_id, alt, caption, credit))
        if len(heroes) == HERO_IMAGES:
            break
    if heroes:
        return list(heroes.values())
    from . import illustrations
    from .loader import ensure_image

    drawn = []
    for n in range(GENERATED_IMAGES):
        section = EXTRA_SECTIONS[n % len(EXTRA_SECTIONS)][0]
        image, alt, caption = ensure_image(
            f"seed-hero:{n}", lambda n=n, s=section: illustrations.illustration(f"seed-{n}", s)
        )
        drawn.append(Hero(image.pk, alt, caption, illustrations.CREDIT))
    progress(f"  using {len(drawn)} generated hero images")
    return drawn


def ensure_tags() -> list[Tag]:
    """The newsroom's existing tags (the oldest 500) plus a vocabulary of topics."""
    existing = {t.name.lower(): t for t in Tag.objects.order_by("pk")[:500]}
    for name in TOPIC_TAGS:
        if name.lower() not in existing:
            slug = slugify(name)
            tag = Tag.objects.filter(slug=slug).first() or Tag.objects.create(name=name, slug=slug)
            existing[tag.name.lower()] = tag
    return list(existing.values())


# --- the articles ------------------------------------------------------------------------


class Seeder:
    """Writes articles in batches; one instance per seeding run."""

    def __init__(self, newsroom: Newsroom, *, seed: int, years: int) -> None:
        self.newsroom = newsroom
        self.now = timezone.now()
        self.span = max(timedelta(days=365 * years), timedelta(hours=1)).total_seconds()
        # Another run continues the sequence instead of repeating the same stories.
        self.rng = random.Random(f"{seed}:{Page.objects.count()}")
        self.writer = StoryWriter(self.rng)
        self.pool = [self.writer.paragraph() for _ in range(PARAGRAPH_POOL)]
        self.locale_id = Locale.get_default().pk
        self.content_type = ContentType.objects.get_for_model(ArticlePage)
        self.page_content_type = ContentType.objects.get_for_model(Page)
        # Skewed choices: a few tags and authors carry most articles, as in a newsroom.
        self.tag_weights = [1 / (n + 1) for n in range(len(newsroom.tags))]
        self.author_weights = [1 / (n + 1) ** 0.5 for n in range(len(newsroom.authors))]

    # building in memory

    def block(self, kind: str, value) -> dict:
        return {"type": kind, "value": value, "id": str(uuid.UUID(int=self.rng.getrandbits(128)))}

    def body(self, topic: tuple[str, str, str, str]) -> tuple[list[dict], list[str], int]:
        """Raw StreamField blocks, their searchable text (as Wagtail would extract it) and
        the words a reader reads (as ArticlePage.compute_reading_time counts them)."""
        r = self.rng
        paragraphs = [self.writer.lead(topic), *r.sample(self.pool, r.randint(4, 8))]
        blocks, texts, words = [], [], 0
        for n, text in enumerate(paragraphs):
            if n == 3 and r.random() < 0.3:
                quote, person = r.choice(QUOTES), self.writer.person()
                blocks.append(self.block("pull_quote", {"quote": quote, "attribution": person}))
                texts += [quote, person]
                words += count_words(quote)
            if n == 5 and r.random() < 0.5:
                heading = r.choice(HEADINGS)
                blocks.append(self.block("heading", heading))
                texts.append(heading)
                words += count_words(heading)
            blocks.append(self.block("paragraph", f"<p>{html.escape(text, quote=False)}</p>"))
            texts.append(text)
            words += count_words(text)
        return blocks, texts, words

    def article(self, section: SectionPage, path: str, position: int) -> ArticlePage:
        r = self.rng
        topic = self.writer.topic()
        title = self.writer.headline(topic)
        body, texts, words = self.body(topic)
        hero = r.choice(self.newsroom.heroes)
        published = self.now - timedelta(seconds=60 + r.random() * self.span)
        slug = f"{slugify(title)[:70].rstrip('-')}-{position}"
        page = ArticlePage(
            path=path,
            depth=section.depth + 1,
            numchild=0,
            translation_key=uuid.UUID(int=r.getrandbits(128), version=4),
            locale_id=self.locale_id,
            live=True,
            has_unpublished_changes=False,
            first_published_at=published,
            last_published_at=published,
            latest_revision_created_at=published,
            title=title,
            draft_title=title,
            slug=slug,
            content_type=self.content_type,
            url_path=f"{section.url_path}{slug}/",
            dek=self.writer.dek(topic),
            published_at=published,
            hero_image_id=hero.image_id,
            hero_alt=hero.alt,
            hero_caption=hero.caption,
            hero_credit=hero.credit,
            body=body,
            reading_time_minutes=reading_time.reading_minutes(words=words, images=1),
            narrate=True,
        )
        page._seed_search_texts = texts
        return page

    def byline(self) -> list[Author]:
        count = 1 if self.rng.random() < 0.8 else 2
        chosen = self.rng.choices(self.newsroom.authors, self.author_weights, k=count)
        return list(dict.fromkeys(chosen))

    def topics(self) -> list[Tag]:
        chosen = self.rng.choices(self.newsroom.tags, self.tag_weights, k=self.rng.randint(1, 4))
        return list(dict.fromkeys(chosen))

    # writing

    def write_batch(self, size: int) -> int:
        """`size` articles, in one transaction."""
        with transaction.atomic():
            plan = self.positions(size)
            pages: list[ArticlePage] = []
            for section, path, position in plan:
                pages.append(self.article(section, path, position))
            self.avoid_slug_clashes(pages)
            self.insert_pages(pages)
            links, tagged = self.insert_relations(pages)
            counts: dict[int, int] = {}
            for section, _, _ in plan:
                counts[section.pk] = counts.get(section.pk, 0) + 1
            for section_id, added in counts.items():
                Page.objects.filter(pk=section_id).update(numchild=F("numchild") + added)
            self.index(pages, links, tagged)
        return len(pages)

    def positions(self, size: int) -> list[tuple[SectionPage, str, int]]:
        """(section, tree path, position among the section's children) for each new article."""
        sections = self.newsroom.sections
        last: dict[int, int] = {}
        for section in sections:
            child_paths = Page.objects.filter(
                path__startswith=section.path, depth=section.depth + 1
            ).order_by("-path")
            last_path = child_paths.values_list("path", flat=True).first()
            last[section.pk] = Page._str2int(last_path[-Page.steplen :]) if last_path else 0
        plan = []
        for _ in range(size):
            section = self.rng.choice(sections)
            position = last[section.pk] = last[section.pk] + 1
            if len(Page._int2str(position)) > Page.steplen:
                raise SeedingError(f"The section “{section.title}” has no room for more pages.")
            plan.append(
                (section, Page._get_path(section.path, section.depth + 1, position), position)
            )
        return plan

    def avoid_slug_clashes(self, pages: list[ArticlePage]) -> None:
        """A seeded slug ends in the page's position, so only a hand-made page can clash."""
        taken = set(
            Page.objects.filter(depth=pages[0].depth, slug__in=[p.slug for p in pages]).values_list(
                "url_path", flat=True
            )
        )
        for page in pages:
            while page.url_path in taken:
                page.slug += "-seeded"
                page.url_path = page.url_path[: -len("/")] + "-seeded/"
            taken.add(page.url_path)

    def insert_pages(self, pages: list[ArticlePage]) -> None:
        # Multi-table inheritance: the page rows first (their ids come back), then the
        # article rows that point at them. Django's bulk_create refuses the pair in one go,
        # but Page's bulk_create takes the articles themselves and fills in their ids.
        Page.objects.bulk_create(pages, batch_size=500)
        for page in pages:
            if page.id is None:
                raise SeedingError("This database cannot return ids from a bulk insert.")
            page.page_ptr_id = page.id
        fields = ArticlePage._meta.local_concrete_fields
        size = max(1, connection.ops.bulk_batch_size(fields, pages))
        for chunk in chunks(pages, size):
            ArticlePage._base_manager._insert(chunk, fields=fields)

    def insert_relations(
        self, pages: list[ArticlePage]
    ) -> tuple[list[ArticleAuthor], list[ArticleTag]]:
        links, tagged = [], []
        for page in pages:
            page_links = [
                ArticleAuthor(page_id=page.pk, author=author, sort_order=order)
                for order, author in enumerate(self.byline())
            ]
            page_tags = [ArticleTag(content_object_id=page.pk, tag=tag) for tag in self.topics()]
            links += page_links
            tagged += page_tags
        ArticleAuthor.objects.bulk_create(links, batch_size=1000)
        ArticleTag.objects.bulk_create(tagged, batch_size=1000)
        return links, tagged

    def index(self, pages: list[ArticlePage], links, tagged) -> None:
        """Search index entries through the backends, and reference-index rows."""
        with precomputed_body_text(pages):
            for backend in get_search_backends(with_auto_update=True):
                backend.add_bulk(ArticlePage, pages)
        # The references Wagtail would extract (tests/news/test_seeding.py checks): hero
        # image, authors and tags; generated bodies link to nothing.
        image_ct = ReferenceIndex._get_base_content_type(get_image_model()).pk
        author_ct = ReferenceIndex._get_base_content_type(Author).pk
        tag_ct = ReferenceIndex._get_base_content_type(Tag).pk
        rows = [(p.pk, image_ct, p.hero_image_id, "hero_image", "hero_image") for p in pages]
        rows += [
            (link.page_id, author_ct, link.author_id, "article_authors.item.author",
             f"article_authors.{link.pk}.author")
            for link in links
        ]  # fmt: skip
        rows += [
            (item.content_object_id, tag_ct, item.tag_id, "tagged_items.item.tag",
             f"tagged_items.{item.pk}.tag")
            for item in tagged
        ]  # fmt: skip
        hash_path = ReferenceIndex._get_content_path_hash
        ReferenceIndex.objects.bulk_create(
            [
                ReferenceIndex(
                    content_type_id=self.content_type.pk,
                    base_content_type_id=self.page_content_type.pk,
                    object_id=str(page_id),
                    to_content_type_id=to_ct,
                    to_object_id=str(to_id),
                    model_path=model_path,
                    content_path=content_path,
                    content_path_hash=hash_path(content_path),
                )
                for page_id, to_ct, to_id, model_path, content_path in rows
            ],
            batch_size=1000,
        )


@contextmanager
def precomputed_body_text(pages: list[ArticlePage]) -> Iterator[None]:
    """While indexing seeded pages, their body's searchable text is the text they were
    generated from, not re-extracted from HTML (three times per page, by the indexer)."""
    field = ArticlePage._meta.get_field("body")
    texts = {id(page.body): page._seed_search_texts for page in pages}
    extract = field.get_searchable_content

    def searchable_content(value):
        found = texts.get(id(value))
        return list(found) if found is not None else extract(value)

    field.get_searchable_content = searchable_content
    try:
        yield
    finally:
        del field.get_searchable_content


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh_statistics() -> None:
    """PostgreSQL plans queries from table statistics, which after a bulk load still
    describe the tables as they were (a few hundred rows) until autovacuum gets to them:
    meanwhile it picked plans 2-10x slower. Refresh them now. (SQLite keeps none unless
    asked, and Masthead's queries are written for that.)"""
    if connection.vendor != "postgresql":
        return
    from wagtail.search.models import IndexEntry

    models = (Page, ArticlePage, ArticleAuthor, ArticleTag, Tag, ReferenceIndex, IndexEntry)
    tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def seed_articles(
    *,
    count: int,
    sections: int | None = None,
    batch: int = DEFAULT_BATCH,
    seed: int = 1,
    years: int = DEFAULT_YEARS,
    progress: Progress = print,
) -> SeedResult:
    """Create `count` live synthetic articles under the home page's sections, in batches."""
    if count <= 0:
        raise SeedingError(f"--count must be a positive number of articles (got {count}).")
    if not 0 < batch <= MAX_BATCH:
        raise SeedingError(f"--batch must be between 1 and {MAX_BATCH:,} (got {batch}).")
    if sections is not None and sections <= 0:
        raise SeedingError(f"--sections must be at least 1 (got {sections}).")
    if years <= 0:
        raise SeedingError(f"--years must be at least 1 (got {years}).")
    started = time.perf_counter()
    with transaction.atomic():
        newsroom = ensure_newsroom(sections=sections, progress=progress)
    seeder = Seeder(newsroom, seed=seed, years=years)
    created = 0
    batches = -(-count // batch)
    for number in range(1, batches + 1):
        size = min(batch, count - created)
        try:
            created += seeder.write_batch(size)
        except Exception as error:
            raise SeedingError(
                f"Batch {number} of {batches} failed and was rolled back ({error}); "
                f"{created:,} articles were created before it, in {number - 1} complete "
                "batch(es)."
            ) from error
        elapsed = time.perf_counter() - started
        progress(
            f"  batch {number}/{batches}: {created:,}/{count:,} articles "
            f"({elapsed:.1f} s, {created / elapsed:,.0f}/s)"
        )
    refresh_statistics()
    return SeedResult(
        created=created,
        seconds=time.perf_counter() - started,
        sections=len(newsroom.sections),
        authors=len(newsroom.authors),
        images=len(newsroom.heroes),
        tags=len(newsroom.tags),
    )
