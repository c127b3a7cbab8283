"""Access levels: who may read an article's whole body.

Every article is listed, carded and found by search as news/visibility.py says; the
access level only decides who reads the body past its first paragraphs. A section sets
the default for its articles; an article may override it. The levels are data here; who
holds which level is decided by the access policy that an app above news registers
(masthead/members/access.py), so news never imports members.
"""

from django.db import models


class AccessLevel(models.TextChoices):
    PUBLIC = "public", "Everyone"
    MEMBERS = "members", "Members only (free sign-up)"
    PAID = "paid", "Paying members only"


AS_SECTION = ""  # an article's level when it follows its section's
ARTICLE_CHOICES = [(AS_SECTION, "As its section"), *AccessLevel.choices]
GATED = (AccessLevel.MEMBERS, AccessLevel.PAID)
