"""E-mail addresses as Masthead stores them: trimmed, lower-case, valid, one per person."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_LENGTH = 254  # RFC 5321's limit on a forward path


def normalise_email(raw: object) -> str | None:
    """The stored form of `raw`, or None when it is not a usable address.

    Lower-cased whole: mailbox names are case-sensitive in theory and never in practice,
    and two rows for Ana@ and ana@ would mean two copies of every issue.
    """
    if not isinstance(raw, str):
        return None
    address = raw.strip().lower()
    if (
        not address
        or len(address) > MAX_LENGTH
        or any(ord(c) < 33 or ord(c) == 127 for c in address)
    ):
        return None
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address
