"""The lead paragraph of an article, read with its card.

Cards leave the body in the database (it is the biggest column). An article without a
card summary still needs the start of its lead for a related-article card's teaser
(news/blocks.RelatedArticleBlock): the database picks the first paragraph's HTML out of
the body's JSON in the card's own query, for those articles only.
"""

from django.db.models import Case, JSONField, Q, TextField, Value, When
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.db.models.lookups import Exact

LEAD_BLOCKS = 3  # the lead paragraph is looked for among a body's first blocks


def lead_html() -> Case:
    """The HTML of the first paragraph among a body's first LEAD_BLOCKS blocks, read
    inside the card's own query, for an article without a card summary (its teaser;
    news/blocks.RelatedArticleBlock); empty for the others. Cards keep the body out."""
    body = Cast("body", JSONField())
    return Case(
        *(
            When(
                Exact(KeyTextTransform("type", KeyTransform(n, body)), Value("paragraph"))
                & Q(card_summary=""),
                then=KeyTextTransform("value", KeyTransform(n, body)),
            )
            for n in range(LEAD_BLOCKS)
        ),
        default=Value(""),
        output_field=TextField(),
    )
