"""Which plans are published to the public, what of them is public, and each publication: the
frozen public content made from an issued board pack (ADR 0010). Kept in this app, not as fields
on plans, actions or people, so that publishing changes no other app's tables."""

from django.db import models
from django.urls import reverse

from actions.models import Action
from boards.models import IssuedPack
from core.models import Person
from plans.models import Plan


class PublishedPlan(models.Model):
    """A plan's choice to be published: off unless ticked."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="publication_setting")
    enabled = models.BooleanField(
        "publish this plan",
        default=False,
        help_text="Publish the plan's progress from each board pack issued from now on.",
    )
    introduction = models.TextField(
        blank=True, help_text="Shown at the top of the public page, in plain English."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan__title"]
        verbose_name = "published plan"

    def __str__(self):
        return f"{self.plan}: {'published' if self.enabled else 'not published'}"


class PublicAction(models.Model):
    """What the plan owner makes public about one action, beyond its number, words and rating."""

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="public")
    commentary_public = models.BooleanField(
        "publish the commentary",
        default=False,
        help_text="The latest update's commentary, as given, on the public page.",
    )
    lead_text_public = models.BooleanField(
        "publish the lead as written",
        default=False,
        help_text='Tick only when the lead as written names posts, not people ("DCS and '
        'partner agencies").',
    )

    class Meta:
        verbose_name = "action's public details"
        verbose_name_plural = "actions' public details"

    def __str__(self):
        return str(self.action)


class PublicPerson(models.Model):
    """A person who may be named on public pages (a director, an elected member); everyone else
    appears by their post."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="public")
    name_public = models.BooleanField("name them on public pages", default=False)

    class Meta:
        verbose_name = "person named in public"
        verbose_name_plural = "people named in public"

    def __str__(self):
        return str(self.person)


class Publication(models.Model):
    """A plan's public page as made from one issued board pack: frozen."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="publications")
    pack = models.ForeignKey(IssuedPack, on_delete=models.PROTECT, related_name="publications")
    published_at = models.DateTimeField(auto_now_add=True)
    as_at = models.DateTimeField(help_text="The moment the pack's figures were taken as at.")
    content = models.JSONField(help_text="What the public page shows, suppressed, without names.")

    class Meta:
        ordering = ["plan", "-as_at", "-pk"]
        get_latest_by = "as_at"
        constraints = [
            models.UniqueConstraint(fields=["plan", "pack"], name="one_publication_per_pack"),
        ]

    def __str__(self):
        return f"{self.plan} as at {self.as_at:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("publishing:plan", kwargs={"slug": self.plan.slug})
