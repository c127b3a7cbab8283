"""Page types and snippets of the news site."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    HelpPanel,
    InlinePanel,
    MultiFieldPanel,
    TitleFieldPanel,
)
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from masthead.core.prepared import Prepared

from . import reading_time
from .access import ARTICLE_CHOICES, AS_SECTION, AccessLevel
from .blocks import ArticleBodyBlock
from .forms import NewsPageForm, NewsSnippetForm
from .routing import RoutesToChildDirectly, SkipsViewRestrictionsWhenNoneExist
from .text import block_texts, count_images, count_words


@register_snippet
class Author(index.Indexed, models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the author page's URL.")
    role = models.CharField(max_length=120, blank=True, help_text="e.g. City Hall Reporter")
    bio = models.TextField(blank=True, max_length=1000)
    photo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    photo_alt = models.CharField(
        max_length=250, blank=True, help_text="Alt text for the photo; required with a photo."
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("role"),
        FieldPanel("bio"),
        FieldRowPanel([FieldPanel("photo"), FieldPanel("photo_alt")]),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    base_form_class = NewsSnippetForm

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("news:author", args=[self.slug])

    def clean(self) -> None:
        if self.photo_id and not self.photo_alt.strip():
            raise ValidationError(
                {"photo_alt": "Describe the photo for readers who cannot see it."}
            )


class HomePage(SkipsViewRestrictionsWhenNoneExist, RoutesToChildDirectly, Page):
    """The front page: lead story, top stories, one block per section."""

    max_count = 1
    subpage_types = ["news.SectionPage"]
    base_form_class = NewsPageForm
    template = "news/home_page.html"

    def route(self, request, path_components):
        # /<section>/<article>/: the article in one query, its section from the cached
        # navigation (nav_sections) rather than a query of its own.
        if len(path_components) == 2:
            from .selectors import nav_sections

            for section in nav_sections():
                if section.get("slug") == path_components[0] and section["path"].startswith(
                    self.path
                ):
                    found = _article_by_path.all(
                        section["path"], f"{section['path']}~", section["depth"] + 1,
                        path_components[1],
                    )  # fmt: skip
                    if found:
                        return found[0].route(request, [])
                    break
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from . import page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(page_context.home())
        return context


class SectionPage(SkipsViewRestrictionsWhenNoneExist, RoutesToChildDirectly, Page):
    intro = models.TextField(blank=True, max_length=500, help_text="One line shown under the name.")
    access_level = models.CharField(
        "Who reads its articles in full",
        max_length=10,
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
        help_text="The default for the section's articles; each article may override it "
        "(docs/members.md). Others see the standfirst and the first paragraphs.",
    )

    parent_page_types = ["news.HomePage"]
    subpage_types = ["news.ArticlePage"]
    base_form_class = NewsPageForm
    content_panels = Page.content_panels + [FieldPanel("intro")]
    settings_panels = Page.settings_panels + [FieldPanel("access_level")]
    template = "news/section_page.html"

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["current_section_id"] = self.pk
        context["page_obj"] = selectors.section_listing(
            self, request.GET.get("page"), request.GET.get("before")
        )
        return context


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )

    class Meta:
        # "Does this article carry this tag?" in one index probe, asked of each article a
        # tag page walks past (news/selectors._members_listing); by tag alone SQLite read
        # every tagging of a common tag for each article (4 s at 100,000 articles).
        indexes = [models.Index(fields=["content_object", "tag"], name="news_tag_article_tag")]


class ArticlePage(SkipsViewRestrictionsWhenNoneExist, Page):
    dek = models.TextField(
        "Standfirst",
        max_length=300,
        blank=True,
        help_text="One or two sentences under the headline.",
    )
    card_summary = models.TextField(
        max_length=240,
        blank=True,
        help_text="Shown on cards in listings and related-article cards. Falls back to the "
        "standfirst.",
    )
    display_date = models.DateTimeField(
        "Displayed publication date",
        null=True,
        blank=True,
        help_text="Leave blank to show the time of first publication.",
    )
    last_updated_at = models.DateTimeField(
        "Substantive update",
        null=True,
        blank=True,
        help_text="Set when a change alters the story's substance; readers see 'Updated …'. "
        "Leave blank for typo fixes.",
    )
    published_at = models.DateTimeField(null=True, editable=False, db_index=True)
    # Optional: breaking news goes out before there is a picture (docs/editing.md).
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Optional: breaking news can go out without one; the article and its "
        "cards are then shown without a picture. Add one later and publish again.",
    )
    hero_alt = models.CharField(
        "Hero alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required with an image.",
    )
    hero_caption = models.CharField(max_length=400, blank=True)
    hero_credit = models.CharField(max_length=120, blank=True)
    body = StreamField(ArticleBodyBlock(), blank=True)
    tags = ClusterTaggableManager(
        "Topics",
        through=ArticleTag,
        blank=True,
        help_text="The topics this story is about, separated by commas. Each topic has its "
        "own page listing its stories.",
    )
    reading_time_minutes = models.PositiveSmallIntegerField(default=1, editable=False)
    narrate = models.BooleanField(
        "Offer an AI-narrated audio version",
        default=True,
        help_text="Untick to publish this article without a listen option.",
    )
    access_level = models.CharField(
        "Who reads it in full",
        max_length=10,
        choices=ARTICLE_CHOICES,
        default=AS_SECTION,
        blank=True,
        help_text="Members only: others see the headline, standfirst and first paragraphs "
        "with a sign-up box (docs/members.md).",
    )

    parent_page_types = ["news.SectionPage"]
    subpage_types: list[str] = []
    base_form_class = NewsPageForm
    template = "news/article_page.html"

    content_panels = [
        TitleFieldPanel(
            "title",
            heading="Headline",
            placeholder="Headline*",
            help_text="As readers see it on the page, on cards and in feeds.",
        ),
        FieldPanel("dek"),
        InlinePanel("article_authors", label="Byline", min_num=1, heading="Byline"),
        MultiFieldPanel(
            [
                FieldPanel("hero_image"),
                FieldPanel("hero_alt"),
                FieldRowPanel([FieldPanel("hero_caption"), FieldPanel("hero_credit")]),
            ],
            heading="Hero image",
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        InlinePanel(
            "corrections",
            label="Correction",
            heading="Corrections log",
            help_text="Each correction, clarification or update is shown, dated and labelled, "
            "at the end of the article and on the Corrections page. Saving does not show "
            "it to readers: publish the article.",
        ),
    ]
    settings_panels = Page.settings_panels + [
        # masthead.pages adds narration's status panel here (news does not import it).
        MultiFieldPanel([FieldPanel("narrate")], heading="Narration"),
        FieldPanel("access_level"),
    ]
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel(
                    "slug",
                    heading="Web address",
                    help_text="The last part of the article's address, made from the "
                    "headline. Changing it after publication breaks links readers have "
                    "shared (Redirects can send them on).",
                ),
                FieldPanel(
                    "seo_title",
                    heading="Search engine headline",
                    help_text="Optional: a headline for search results and social cards, "
                    "when the printed one is too long or too clever. Leave blank to use "
                    "the headline.",
                ),
                FieldPanel(
                    "search_description",
                    heading="Search engine summary",
                    help_text="Optional: one or two sentences shown under the headline in "
                    "search results and social cards. Leave blank to use the card "
                    "summary or the standfirst.",
                ),
            ],
            heading="For search engines and social media",
        ),
        FieldPanel("card_summary"),
        MultiFieldPanel(
            [
                HelpPanel(
                    "The page shows the displayed date (or the first publication time) and, "
                    "when set, the time of the last substantive update."
                ),
                FieldPanel("display_date"),
                FieldPanel("last_updated_at"),
            ],
            heading="Dates",
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("dek"),
        index.SearchField("body"),
        index.FilterField("published_at"),
    ]

    def clean(self) -> None:
        super().clean()
        if self.hero_image_id and not self.hero_alt.strip():
            raise ValidationError({"hero_alt": "Describe the hero image for readers who "
                                   "cannot see it, or remove the image."})  # fmt: skip

    def save(self, *args, **kwargs):
        from .rich_text import repair_rich_text

        # An import may store rich text the editor cannot open (news/rich_text.py).
        repair_rich_text(self.body)
        self.reading_time_minutes = self.compute_reading_time()
        self.published_at = self.display_date or self.first_published_at or self.go_live_at
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "reading_time_minutes", "published_at"}
        return super().save(*args, **kwargs)

    def compute_reading_time(self) -> int:
        words = sum(count_words(text) for _, text in block_texts(self.body))
        images = count_images(self.body) + (1 if self.hero_image_id else 0)
        return reading_time.reading_minutes(words=words, images=images)

    @property
    def reading_time_label(self) -> str:
        return reading_time.reading_label(self.reading_time_minutes)

    @property
    def summary(self) -> str:
        return self.card_summary or self.dek

    @cached_property
    def byline_authors(self) -> list["ArticleAuthor"]:
        return list(self.article_authors.all())

    def get_context(self, request, *args, **kwargs):
        from . import page_context, visibility

        context = super().get_context(request, *args, **kwargs)
        preview = getattr(request, "is_preview", False)
        context.update(page_context.article(self, preview=preview))
        context.update(visibility.body_for(self, request, preview=preview))
        return context


HomePage.child_model = SectionPage


def _article_in_section(path_from: str, path_to: str, depth: int, slug: str):
    # A range on the tree path (paths use 0-9A-Z, all before "~"): plain parameters,
    # which Prepared can put in place, where a LIKE's would be escaped.
    return (
        ArticlePage.objects.filter(path__gte=path_from, path__lt=path_to, depth=depth, slug=slug)
        .select_related("hero_image", "narration")
        .order_by("pk")[:1]
    )


# Compiled once per process (core/prepared.py): 0.7 ms of every uncached article page.
_article_by_path = Prepared(_article_in_section, ("\x00from", "\x00to", 987_654_321, "\x00slug"))
SectionPage.child_model = ArticlePage


class ArticleAuthor(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="article_links")
    role = models.CharField(
        max_length=80, blank=True, help_text="Optional, e.g. 'Additional reporting'."
    )

    panels = [FieldPanel("author"), FieldPanel("role")]

    class Meta(Orderable.Meta):
        # The author page's walk asks it of each article (see ArticleTag.Meta).
        indexes = [models.Index(fields=["page", "author"], name="news_byline_page_author")]

    def __str__(self) -> str:
        return f"{self.author} ({self.role})" if self.role else str(self.author)


class Correction(Orderable):
    """One entry of an article's corrections log; readers see its kind, date and text."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.CORRECTION,
        help_text="Correction: something was wrong. Clarification: it was right but could "
        "mislead. Update: new facts since publication.",
    )
    date = models.DateTimeField(default=timezone.now, help_text="When the change was made.")
    text = models.TextField(max_length=1000, help_text="What was changed, in a sentence.")

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("date")]), FieldPanel("text")]

    class Meta(Orderable.Meta):
        ordering = ["sort_order"]

    def __str__(self) -> str:
        return self.text[:60]
