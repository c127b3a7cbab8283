"""The POST data of the article edit form, as a browser sends it."""

from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from masthead.news.blocks import RICH_TEXT_FEATURES
from tests.conftest import as_loaded


def article_form_data(article, **changes) -> dict:
    """The edit form of `article` as submitted unchanged, with `changes` applied:
    `body` is a list of (block type, value) with rich text as HTML; `byline_role`
    the role of the first byline entry."""
    links = list(article.article_authors.all())
    body = changes.pop("body", None)
    if body is None:
        body = [(c.block_type, c.block.get_prep_value(c.value)) for c in article.body]
    body = [
        (kind, rich_text(value, features=RICH_TEXT_FEATURES) if kind == "paragraph" else value)
        for kind, value in body
    ]
    role = changes.pop("byline_role", links[0].role if links else "")
    fields = {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "hero_image": article.hero_image_id,
        "hero_alt": article.hero_alt,
        "hero_caption": article.hero_caption,
        "hero_credit": article.hero_credit,
        "tags": ", ".join(t.name for t in article.tags.all()),
        "card_summary": article.card_summary,
        "seo_title": article.seo_title,
        "search_description": article.search_description,
        "narrate": "on",
        **as_loaded(article),
        **changes,
    }
    return nested_form_data(
        {
            **fields,
            "article_authors": inline_formset(
                [
                    {"id": link.pk, "author": link.author_id, "role": role if i == 0 else link.role}
                    for i, link in enumerate(links)
                ],
                initial=len(links),
            ),
            "body": streamfield(body),
            "corrections": inline_formset([]),
            "read_also_picks": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
