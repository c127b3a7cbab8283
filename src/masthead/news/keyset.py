"""Keyset pagination for listings: a page's "Older" link says where the next page starts
(`?page=N&before=CURSOR`, the publication time and id of the page's last card), so the
database seeks to it in the published_at index instead of reading and skipping the
OFFSET rows before it. Page 50 of a section at 100,000 articles cost about four times
page 1 with an OFFSET (docs/scale.md); after a cursor it costs the same.

A cursor is `<microseconds since 1970>-<id>`. One that does not parse is ignored (the
page is counted from its number, as without one): a reader can type anything there.
A cursor is a position, not a secret: it shows only cards readers may see anyway.
"""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from django.db.models import Q

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
LONGEST = 40  # characters: two 64-bit numbers and a dash; anything longer is not ours


class Cursor(NamedTuple):
    published_at: datetime
    pk: int


def of(article) -> str:
    """The cursor just after `article` (newest first: the next page starts below it)."""
    return f"{(article.published_at - EPOCH) // MICROSECOND}-{article.pk}"


def parse(text: str | None) -> Cursor | None:
    if not text or len(text) > LONGEST:
        return None
    stamp, _, pk = text.partition("-")
    if not (stamp.isdigit() and pk.isdigit() and stamp.isascii() and pk.isascii()):
        return None
    try:
        return Cursor(EPOCH + int(stamp) * MICROSECOND, int(pk))
    except OverflowError:  # a date beyond year 9999
        return None


def older_than(cursor: Cursor) -> Q:
    """Rows after `cursor` in newest-first order (published_at, then id, descending).

    The plain upper bound on published_at comes first so both databases seek in the
    index; the OR then settles the ties at exactly that time.
    """
    return Q(published_at__lte=cursor.published_at) & (
        Q(published_at__lt=cursor.published_at) | Q(pk__lt=cursor.pk)
    )
