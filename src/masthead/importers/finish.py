"""The end of a run: links to posts that came later in the file, and Editors' Picks."""

from __future__ import annotations

from django.db import transaction

from masthead.news.models import ArticlePage

from . import batches


def rewrite_pending_links(writer) -> int:
    """Rewrite, in the bodies that linked to posts not imported yet, the links that now
    resolve; returns how many articles changed. A live article is published again (its
    text is unchanged, only its links); a draft keeps being a draft."""
    changed = 0
    for source_id in sorted(writer.pending_links):
        page_id = writer.memory.object_id("post", source_id)
        page = ArticlePage.objects.filter(pk=page_id).first() if page_id else None
        if page is None:
            continue
        republish = page.live and not page.has_unpublished_changes
        with transaction.atomic():
            # (The page itself when it has no unpublished changes.)
            draft = page.get_latest_revision_as_object()
            touched = False
            for block in draft.body:
                if block.block_type != "paragraph":
                    continue
                source = block.value.source
                new, _ = writer.links.rewrite(source)
                if new != source:
                    from wagtail.rich_text import RichText

                    block.value, touched = RichText(new), True
            if not touched:
                continue
            revision = draft.save_revision(log_action=False)
            if republish:
                dates = (page.first_published_at, page.last_published_at)
                revision.publish(log_action=False)
                # Only links changed: the article keeps its publication dates.
                ArticlePage.objects.filter(pk=page.pk).update(
                    first_published_at=dates[0], last_published_at=dates[1]
                )
            batches.touched(page.pk)
            changed += 1
    return changed


def add_picks(article_ids: list[int]) -> int:
    """Featured (sticky) live articles, newest first, after the picks already there."""
    from masthead.curation.models import EditorsPick, EditorsPicks

    picks = EditorsPicks.load()
    have = set(picks.picks.values_list("article_id", flat=True))
    order = picks.picks.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0
    new = ArticlePage.objects.live().filter(pk__in=set(article_ids) - have)
    added = 0
    for article in new.order_by("-published_at"):
        order += 1
        EditorsPick.objects.create(collection=picks, article=article, sort_order=order)
        added += 1
    return added
