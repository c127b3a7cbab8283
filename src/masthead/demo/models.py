"""What the demo loader wrote that is not a real newsroom's data."""

from django.db import models


class DemoAudience(models.Model):
    """Made-up reader views the demo loaded into the audience counters, so that the
    Audience report can say its figures include them."""

    first_day = models.DateField()
    last_day = models.DateField()
    views = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "demo audience"

    def __str__(self) -> str:
        return f"{self.views} demo views, {self.first_day} to {self.last_day}"
