"""A newsletter send whose worker is killed (SIGKILL) mid-send, with real processes: the
next worker resumes it and every subscriber has exactly one copy, counted at a real SMTP
server on loopback.

The kill comes from inside the SMTP server, while it holds the tenth message and before it
answers "250": the worst moment, when the server has the message and the sender has not
recorded it. The record stays claimed, so it is not sent again (newsletters/sending.py).
"""

import os
import signal
import subprocess
from collections import Counter

import pytest

from tests.mail_server import Mailbox, running_server

from .test_web_processes import wait_for
from .test_worker_faults import Worker, django_script, fault_env, rows

READERS = 30
SETUP = """
from django.utils import timezone
from masthead.newsletters import issues, sending
from masthead.newsletters.models import Newsletter, Subscriber, Subscription

article_id = publish(loader.demo_articles()[:1])[0]
newsletter = Newsletter.objects.create(name="Morning briefing", slug="morning")
for n in range(READERS):
    subscriber = Subscriber.objects.create(email=f"reader{n}@example.org")
    Subscription.objects.create(subscriber=subscriber, newsletter=newsletter,
                                status="confirmed", consent_at=timezone.now())
send = issues.create_send(newsletter_id=newsletter.pk, article_ids=[article_id])
sending.schedule(send_id=send.pk)
""".replace("READERS", str(READERS))


@pytest.fixture
def workers():
    started: list[Worker] = []
    yield started
    for worker in started:
        try:
            worker.kill(signal.SIGKILL)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


def send_row(var) -> tuple | None:
    found = rows(var, "SELECT status, sent_count, unknown_count, recipients "
                      "FROM newsletters_send")  # fmt: skip
    return found[0] if found else None


def test_a_send_whose_worker_is_killed_mid_message_resumes_without_a_second_copy(
    var_dir, workers, tmp_path
):
    mailbox = Mailbox()
    killed = []

    def kill_at_the_tenth(message) -> None:
        if mailbox.received == 10 and not killed:
            killed.append(message["To"])
            os.killpg(workers[0].proc.pid, signal.SIGKILL)

    mailbox.on_message = kill_at_the_tenth
    with running_server(mailbox) as port:
        env = fault_env(var_dir, tmp_path / "voices", MASTHEAD_EMAIL_URL=f"smtp://127.0.0.1:{port}",
                        MASTHEAD_BASE_URL="http://news.example")  # fmt: skip
        django_script(env, SETUP)
        workers.append(Worker(env, "slow", tmp_path / "first.log"))
        wait_for(lambda: killed, timeout=240, step=0.05)
        assert workers[0].proc.wait(timeout=30) == -signal.SIGKILL
        assert send_row(var_dir)[0] == "sending"

        workers.append(Worker(env, "slow", tmp_path / "second.log"))
        wait_for(lambda: (send_row(var_dir) or ("",))[0] == "sent", timeout=240, step=0.2)

    copies = Counter(m["To"] for m in mailbox.messages)
    assert sorted(copies) == sorted(f"reader{n}@example.org" for n in range(READERS))
    assert set(copies.values()) == {1}, copies.most_common(3)
    status, sent, unknown, recipients = send_row(var_dir)
    assert (sent, unknown, recipients) == (READERS - 1, 1, READERS)
    assert all("List-Unsubscribe" in m for m in mailbox.messages)
