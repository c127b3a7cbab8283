"""`masthead manage send_newsletter`: the same send as the admin's, from the command line."""

import io

import pytest
from django.core.management import CommandError, call_command

from masthead.newsletters.models import Send


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("send_newsletter", *args, stdout=out)
    return out.getvalue()


def test_the_command_sends_an_article_or_schedules_a_digest(
    smtp_server, newsletters, confirmed, make_article
):
    confirmed("ana@example.org", "morning")
    article = make_article(title="Storm warning for the bay")
    smtp_server.messages.clear()

    run("morning", "--article", str(article.pk))
    scheduled = run("morning", "--digest", "--at", "2999-01-01T07:00")

    assert [m["Subject"] for m in smtp_server.messages] == ["Storm warning for the bay"]
    assert "scheduled for" in scheduled
    assert Send.objects.filter(kind="digest", status="scheduled").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch", "--article", "1"], "Name a newsletter by its slug"),
        (["morning"], "Give one --article"),
        (["morning", "--article", "999999"], "published article"),
        (["morning", "--digest", "--at", "soon"], "ISO date-time"),
        (["--resume", "424242"], "No send 424242"),
    ],
)
def test_the_command_explains_what_is_wrong(newsletters, make_article, args, message):
    make_article()
    with pytest.raises(CommandError, match=message):
        run(*args)
