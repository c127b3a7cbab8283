"""Reader accounts: an address, no password. Sign-in goes through one-time links."""

from django.db import models


class Member(models.Model):
    """A reader who signed in at least once. Not a Django user: a member has no staff
    flag, no permission and no way into the admin (docs/members.md)."""

    email = models.EmailField(unique=True, max_length=254)  # normalised: members/addresses.py
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class MemberLink(models.Model):
    """One e-mailed link: signed, single use, expiring (MASTHEAD_MEMBERS_LINK_MAX_AGE).

    Only a hash of its nonce is stored, so a copy of the database signs nobody in. The
    nonce is drawn when the e-mail is sent (members/tasks.py); a link is used once:
    `used_at` is set by a conditional update, so two clicks race and one wins. Rows older
    than the links' lifetime are deleted when the next link is sent: an address someone
    typed but never confirmed is not kept.
    """

    class Purpose(models.TextChoices):
        SIGN_IN = "sign-in", "Sign in (or sign up)"
        CHANGE_EMAIL = "change-email", "Confirm a new address"

    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    email = models.EmailField(max_length=254, help_text="Where the link was sent.")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    next_path = models.CharField(max_length=500, blank=True)
    nonce_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["email"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.email}"
