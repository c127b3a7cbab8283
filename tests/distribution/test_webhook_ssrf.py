"""Webhooks cannot be aimed inside the newsroom's network (SSRF).

The endpoint form refuses internal destinations, every delivery checks the address it
connects to (resolved once: no DNS rebinding), redirects are not followed, and the log
keeps only the status and a short excerpt of the answer, shown escaped.
"""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import override_settings

from masthead.distribution import egress, services
from masthead.distribution.models import Event, Webhook, WebhookDelivery

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
Status = WebhookDelivery.Status
pytestmark = pytest.mark.django_db
SECRET_ANSWER = "internal-secret-" + "x" * 4000 + "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _nothing_allowed(settings):
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = []
    settings.MASTHEAD_NARRATION_ENABLED = False


class Server:
    """An HTTP server on 127.0.0.1 answering every POST with `status`, `body`, `headers`."""

    def __init__(self, status=200, body=b"ok", headers=None):
        self.status, self.body, self.headers = status, body, headers or {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.requests.append({"path": self.path, "host": self.headers["Host"]})
                self.send_response(server.status)
                for name, value in server.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_port
        self.url = f"http://127.0.0.1:{self.port}/hook"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


def deliver(url: str) -> WebhookDelivery:
    hook = Webhook.objects.create(name="Target", url=url)  # as if saved before the check
    delivery = WebhookDelivery.objects.create(webhook=hook, event=Event.PUBLISHED, body="{}")
    services.webhook_deliver(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@pytest.fixture
def fake_dns(monkeypatch):
    """Names resolve to what the test says; every lookup is recorded."""
    answers: dict[str, list[list[str]]] = {}
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        lookups.append(host)
        queue = answers[host]
        addresses = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    monkeypatch.setattr(egress.socket, "getaddrinfo", getaddrinfo)
    return answers, lookups


# --- the endpoint form --------------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw")
    client.force_login(user)
    return client


def add_endpoint(admin_client, url: str):
    return admin_client.post(
        "/admin/webhooks/endpoints/new/",
        {"name": "Partner", "url": url, "events": ["article.published"], "secret": "s"},
    )


INTERNAL_URLS = [
    "http://localhost:8000/hook",
    "http://127.0.0.1/hook",
    "http://127.1.2.3:6379/",
    "http://[::1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/admin/",
    "http://172.16.4.1/",
    "http://192.168.1.1/",
    "http://100.64.0.1/",
    "http://0.0.0.0:8000/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 form of 169.254.169.254
    "http://[fe80::1]/",
    "http://[fd12:3456::1]/",
    "http://224.0.0.1/",
    "http://[ff02::1]/",
]


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_the_form_refuses_an_internal_destination_with_a_clear_message(admin_client, url):
    response = add_endpoint(admin_client, url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Webhooks only go to public internet addresses" in page
    assert "MASTHEAD_WEBHOOK_ALLOWED_HOSTS" in page
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "file:///etc/passwd",
        "gopher://x/",
        "http://2130706433/",  # 127.0.0.1 written as one number
        "http://0x7f000001/",
    ],
)
def test_the_form_refuses_other_schemes_and_odd_addresses(admin_client, url):
    response = add_endpoint(admin_client, url)
    assert response.status_code == 200
    assert not Webhook.objects.exists()


def test_the_form_refuses_a_name_that_resolves_inside(admin_client, fake_dns):
    answers, _ = fake_dns
    answers["metadata.partner.example"] = [["93.184.215.14", "169.254.169.254"]]
    add_endpoint(admin_client, "https://metadata.partner.example/hook")
    assert not Webhook.objects.exists()


def test_the_form_accepts_a_public_destination(admin_client, fake_dns):
    answers, _ = fake_dns
    answers["hooks.partner.example"] = [["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]]
    assert add_endpoint(admin_client, "https://hooks.partner.example/in").status_code == 302
    assert add_endpoint(admin_client, "http://93.184.215.14:8080/in").status_code == 302
    assert Webhook.objects.count() == 2


def test_the_form_accepts_an_internal_host_the_operator_allowed(admin_client, settings):
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["hooks.internal", "10.1.0.0/16"]
    assert add_endpoint(admin_client, "http://10.1.2.3/in").status_code == 302
    assert add_endpoint(admin_client, "http://10.2.0.1/in").status_code == 200
    assert Webhook.objects.count() == 1


def test_nothing_internal_is_allowed_by_default():
    from masthead.settings import base

    assert base.MASTHEAD_WEBHOOK_ALLOWED_HOSTS == []


# --- every delivery -----------------------------------------------------------------------


@override_settings(TASKS=DUMMY_TASKS)
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "[::ffff:127.0.0.1]"])
def test_a_delivery_to_an_internal_address_is_refused_for_good(server, host):
    delivery = deliver(f"http://{host}:{server.port}/hook")
    assert server.requests == []
    assert delivery.status == Status.FAILED  # not retried: it would be refused again
    assert "MASTHEAD_WEBHOOK_ALLOWED_HOSTS" in delivery.error
    assert delivery.attempt_log.get().response_excerpt == ""


@override_settings(TASKS=DUMMY_TASKS)
def test_a_name_that_turns_internal_after_the_form_is_refused_at_delivery(server, fake_dns):
    answers, _ = fake_dns
    answers["partner.example"] = [["127.0.0.1"]]
    delivery = deliver(f"http://partner.example:{server.port}/hook")
    assert server.requests == []
    assert delivery.status == Status.FAILED


def test_the_host_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    server, fake_dns, settings
):
    # Rebinding: the first answer is allowed, every later one points elsewhere.
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.0/8"]
    answers, lookups = fake_dns
    answers["rebind.example"] = [["127.0.0.1"], ["169.254.169.254"]]
    delivery = deliver(f"http://rebind.example:{server.port}/hook?x=1")
    assert delivery.status == Status.SUCCEEDED
    assert lookups == ["rebind.example"]
    assert server.requests == [{"path": "/hook?x=1", "host": f"rebind.example:{server.port}"}]


def test_an_allowed_host_name_is_reached_on_whichever_of_its_addresses_answers(
    server, fake_dns, settings
):
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["receiver.test"]
    answers, _ = fake_dns
    answers["receiver.test"] = [["::1", "127.0.0.1"]]  # nothing listens on ::1
    delivery = deliver(f"http://receiver.test:{server.port}/hook")
    assert delivery.status == Status.SUCCEEDED
    assert len(server.requests) == 1


@override_settings(TASKS=DUMMY_TASKS)
def test_a_redirect_is_not_followed(settings):
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    inside = Server(body=b"metadata")
    outside = Server(status=302, headers={"Location": inside.url})
    try:
        delivery = deliver(outside.url)
    finally:
        inside.close()
        outside.close()
    assert len(outside.requests) == 1
    assert inside.requests == []
    assert delivery.response_status == 302
    assert "redirects are not followed" in delivery.error


def test_the_log_keeps_a_short_excerpt_shown_escaped(admin_client, settings):
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    answering = Server(status=500, body=("<script>alert(1)</script>" + SECRET_ANSWER).encode())
    try:
        delivery = deliver(answering.url)
    finally:
        answering.close()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code == 500
    assert len(attempt.response_excerpt) == 200
    assert attempt.response_excerpt.startswith("<script>alert(1)</script>internal-secret-")
    page = admin_client.get(f"/admin/webhooks/deliveries/inspect/{delivery.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;internal-secret-" in page
    cells = [td.get_text() for td in BeautifulSoup(page, "html.parser").select("td")]
    assert not any("x" * 300 in cell for cell in cells)
    assert "<script>alert(1)</script>" not in page


def test_control_characters_in_the_answer_are_not_kept(settings):
    settings.MASTHEAD_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    answering = Server(body=b"ok\x1b[2J\x00done")
    try:
        delivery = deliver(answering.url)
    finally:
        answering.close()
    assert delivery.attempt_log.get().response_excerpt == "ok [2J done"
