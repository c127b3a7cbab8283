"""Reads of the members app."""

from typing import Any

from . import newsletter_bridge
from .models import Member, MemberLink


def personal_data(*, member: Member) -> dict[str, Any]:
    """Everything Masthead keeps about a member, as the data download gives it."""
    links = MemberLink.objects.filter(email=member.email) | member.links.all()
    return {
        "member": {
            "email": member.email,
            "created_at": member.created_at.isoformat(),
            "last_sign_in_at": member.last_sign_in_at.isoformat()
            if member.last_sign_in_at
            else None,
        },
        "links": [
            {
                "purpose": link.purpose,
                "sent_to": link.email,
                "created_at": link.created_at.isoformat(),
                "used_at": link.used_at.isoformat() if link.used_at else None,
            }
            for link in links.distinct().order_by("created_at")
        ],
        "newsletters": newsletter_bridge.personal_data(member.email),
    }
