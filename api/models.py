"""API keys for machines (Power BI, a council's data warehouse, a performance system), the log
of every request made with one, and the stored answers that make writes idempotent.

A key's secret is shown once, when it is made, and stored only as its SHA-256 (``hashed``): see
``api.keys`` and docs/adr/0010-api-and-publishing.md for why a fast hash is right for a random
256-bit key and wrong for a password."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import Organisation
from plans.models import Plan


class ApiKeyQuerySet(models.QuerySet):
    def usable_q(self, now=None) -> Q:
        now = now or timezone.now()
        return Q(revoked_at__isnull=True, expires_at__gt=now)

    def usable(self, now=None):
        return self.filter(self.usable_q(now))


class ApiKey(models.Model):
    """A machine's key: what it may see (organisations and plans), whether it may write, until
    when, and how often it may call."""

    class Access(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "read_write", "Read, and write measure values"

    name = models.CharField(
        max_length=120, help_text='What uses the key, e.g. "Power BI: corporate scorecard".'
    )
    prefix = models.CharField(
        max_length=16,
        unique=True,
        editable=False,
        help_text="The start of the key, kept in clear so that a key can be recognised in logs.",
    )
    hashed = models.CharField(max_length=64, unique=True, editable=False)
    access = models.CharField(max_length=20, choices=Access.choices, default=Access.READ)
    organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="api_keys",
        help_text="Every plan of these organisations (and those plans' measures and boards).",
    )
    plans = models.ManyToManyField(
        Plan, blank=True, related_name="api_keys", help_text="These plans as well."
    )
    expires_at = models.DateTimeField(help_text="The key stops working at this moment.")
    requests_per_minute = models.PositiveIntegerField(
        default=120,
        help_text="Requests allowed in each clock minute; more get HTTP 429 until the next.",
    )
    actor = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_key",
        editable=False,
        help_text="An inactive account that stands for the key in change histories.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["last_used_at", "hashed"])

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = "API key"
        constraints = [
            models.CheckConstraint(
                condition=Q(requests_per_minute__gt=0), name="api_key_rate_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.access == self.Access.WRITE

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    @property
    def state(self) -> str:
        if self.pk is None or self.expires_at is None:
            return "Not made yet"
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"


class ApiKeyUse(models.Model):
    """One request to the API made with a key (or with a key that was refused): the audit of
    every use, and what the rate limit counts."""

    key = models.ForeignKey(
        ApiKey, on_delete=models.PROTECT, null=True, blank=True, related_name="uses"
    )
    presented_prefix = models.CharField(
        max_length=16, blank=True, help_text="The start of a refused key, never the whole key."
    )
    at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500, help_text="Without the key, if it was in the URL.")
    status = models.PositiveSmallIntegerField()
    rows = models.PositiveIntegerField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    key_in_query = models.BooleanField(default=False)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "API key use"
        indexes = [models.Index(fields=["key", "at"], name="api_key_use_key_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"


class IdempotentRequest(models.Model):
    """The answer given to a write, kept so that the same write sent again (same key, same
    Idempotency-Key) gets the same answer and changes nothing."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="idempotent_requests")
    idempotency_key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of the request body.")
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "idempotency_key"], name="one_answer_per_idempotency_key"
            ),
        ]

    def __str__(self):
        return f"{self.idempotency_key} ({self.status})"
