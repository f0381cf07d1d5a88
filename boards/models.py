"""Boards that oversee plans, their members and meetings, and the packs issued to them. The
tables keep the names they had in the plans app (ADR 0007)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.formatting import day_text
from core.models import Organisation, Person
from plans.models import Plan


class BoardHistory(HistoricalRecords):
    """The board's history, keeping the tables it had in the plans app: simple-history has a
    setting for the history table's name but none for the table of the plans' history."""

    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        options["db_table"] = "plans_historicalboard_plans"
        return options


class Board(models.Model):
    """A governance body that oversees plans: an improvement board, cabinet, scrutiny..."""

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        EVERY_2_MONTHS = "every_2_months", "Every 2 months"
        QUARTERLY = "quarterly", "Quarterly"
        SIX_MONTHLY = "six_monthly", "Six-monthly"
        ANNUAL = "annual", "Annual"
        AS_REQUIRED = "as_required", "As required"

    name = models.CharField(max_length=200, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="boards")
    purpose = models.TextField(blank=True)
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    cadence_note = models.CharField(max_length=300, blank=True)
    plans = models.ManyToManyField(
        Plan, blank=True, related_name="boards", db_table="plans_board_plans"
    )

    history = BoardHistory(m2m_fields=[plans], table_name="plans_historicalboard")

    class Meta:
        db_table = "plans_board"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plans:board", kwargs={"pk": self.pk})


class BoardMembership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        PARTNER = "partner", "Partner representative"
        OFFICER = "officer", "Officer in attendance"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="board_memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        db_table = "plans_boardmembership"
        ordering = ["board", "role", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["board", "person"], name="one_membership_per_board"),
        ]

    def __str__(self):
        return f"{self.person} – {self.get_role_display()} of {self.board}"


class Meeting(models.Model):
    class Kind(models.TextChoices):
        BOARD = "board", "Board meeting"
        WORKSHOP = "workshop", "Thematic workshop"
        COMMITTEE = "committee", "Committee meeting"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.BOARD)

    class Meta:
        db_table = "plans_meeting"
        ordering = ["board", "date"]
        constraints = [
            models.UniqueConstraint(fields=["board", "date"], name="one_meeting_per_board_per_day"),
        ]

    def __str__(self):
        return f"{self.board} – {day_text(self.date, padded=True)}"

    def get_absolute_url(self):
        return reverse("plans:meeting", kwargs={"pk": self.pk})

    @property
    def name(self) -> str:
        """What the meeting is called: its title, or its kind when it has none ("Board meeting
        with partners", never "Board meeting: Board meeting with partners")."""
        return self.title or self.get_kind_display()


class IssuedPack(models.Model):
    """A board pack as issued for a meeting: an immutable, date-stamped record of what the board
    was shown (the figures as a JSON snapshot, and the rendered document)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="issued_packs")
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    as_at = models.DateTimeField(help_text="The moment the figures were taken as at.")
    snapshot = models.JSONField(help_text="Everything the pack showed, as data.")
    html = models.TextField(blank=True, help_text="The pack as rendered when issued.")

    class Meta:
        db_table = "plans_issuedpack"
        ordering = ["meeting", "-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting"], name="one_issued_pack_per_meeting"),
        ]

    def __str__(self):
        return f"Pack for {self.meeting} issued {day_text(self.issued_at, short=True, padded=True)}"
