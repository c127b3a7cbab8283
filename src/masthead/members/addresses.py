"""E-mail addresses as members are keyed: trimmed, the domain in lower case, and the
local part too (almost every provider treats it so, and two accounts for
"Ana@x.org" and "ana@x.org" would be one reader split in two)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def normalised(address: str) -> str:
    """The address as stored, or ValidationError with a message for the reader."""
    address = (address or "").strip()
    if any(ord(char) < 32 or ord(char) == 127 or char == '"' for char in address):
        # No control characters (header injection) nor quoted local parts, which
        # validate_email allows but no reader needs.
        raise ValidationError("Enter an e-mail address such as name@example.org.")
    if len(address) > 254:
        raise ValidationError("That address is too long.")
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError("Enter an e-mail address such as name@example.org.") from None
    return address.lower()
