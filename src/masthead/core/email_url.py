"""E-mail configured by one URL, MASTHEAD_EMAIL_URL (see docs/settings.md):

    smtp://user:password@host:25       plain SMTP (port 25 by default)
    smtp+tls://user:password@host:587  SMTP with STARTTLS (port 587 by default)
    smtps://user:password@host:465     SMTP over TLS (port 465 by default; smtp+ssl too)
    console://                         print messages to the process's output
    file:///var/lib/masthead/mail      one file per message in that folder
    memory://                          Django's in-memory outbox (tests)
    anymail://postmark                 a provider's API through django-anymail (amazon_ses,
                                       mailgun, postmark, sendgrid, brevo, mailjet, resend,
                                       sparkpost); its keys in MASTHEAD_ANYMAIL (JSON)

User name and password are percent-decoded (write "@" as %40). A `timeout` query
parameter sets the SMTP timeout in seconds (default 10, so a dead server cannot hold a
request for minutes).
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
ANYMAIL_PROVIDERS = {"amazon_ses", "mailgun", "postmark", "sendgrid", "brevo", "mailjet",
                     "resend", "sparkpost"}  # fmt: skip
SMTP_SCHEMES = {"smtp": (25, False, False), "smtp+tls": (587, True, False),
                "smtps": (465, False, True), "smtp+ssl": (465, False, True)}  # fmt: skip


def email_settings(url: str) -> dict:
    """The Django EMAIL_* settings the URL stands for."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in SMTP_SCHEMES:
        default_port, use_tls, use_ssl = SMTP_SCHEMES[scheme]
        if not parts.hostname:
            raise ImproperlyConfigured(f"MASTHEAD_EMAIL_URL={url!r} names no host.")
        query = parse_qs(parts.query)
        return {
            "EMAIL_BACKEND": BACKENDS["smtp"],
            "EMAIL_HOST": parts.hostname,
            "EMAIL_PORT": parts.port or default_port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": use_tls,
            "EMAIL_USE_SSL": use_ssl,
            "EMAIL_TIMEOUT": float(query.get("timeout", ["10"])[0]),
        }
    if scheme == "file":
        path = unquote(parts.netloc + parts.path)
        if not path:
            raise ImproperlyConfigured(f"MASTHEAD_EMAIL_URL={url!r} names no folder.")
        return {"EMAIL_BACKEND": BACKENDS["file"], "EMAIL_FILE_PATH": str(Path(path))}
    if scheme == "anymail":
        provider = (parts.hostname or "").replace("-", "_")
        if provider not in ANYMAIL_PROVIDERS:
            raise ImproperlyConfigured(
                f"MASTHEAD_EMAIL_URL={url!r}: name a provider, one of "
                f"{', '.join(sorted(ANYMAIL_PROVIDERS))}."
            )
        return {"EMAIL_BACKEND": f"anymail.backends.{provider}.EmailBackend"}
    if scheme in ("console", "memory"):
        return {"EMAIL_BACKEND": BACKENDS[scheme]}
    raise ImproperlyConfigured(
        f"MASTHEAD_EMAIL_URL={url!r}: use smtp://, smtp+tls://, smtps://, console://, "
        "file:///folder, memory:// or anymail://provider."
    )
