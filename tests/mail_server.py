"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, parsed.

The `smtp_server` fixture (tests/conftest.py) points Django's e-mail settings at one;
the fault tests and bench/newsletter_send.py start their own with `running_server`.
"""

import email
import socket
import threading
from contextlib import contextmanager
from email import policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Mailbox:
    def __init__(self, *, keep: bool = True) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.logins: list[tuple[str, str]] = []
        self.received = 0
        self.keep = keep
        self.lock = threading.Lock()
        self.on_message = None  # called with each parsed message (fault tests)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self.lock:
            self.received += 1
        if self.keep or self.on_message:
            message = email.message_from_bytes(envelope.content, policy=policy.default)
            if self.keep:
                self.messages.append(message)
            if self.on_message:
                self.on_message(message)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(mailbox: Mailbox, *, auth: bool = False):
    """Serve `mailbox` on a free loopback port; yields the port."""
    port = free_port()
    options = {"authenticator": mailbox.authenticate, "auth_require_tls": False} if auth else {}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def body_html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
