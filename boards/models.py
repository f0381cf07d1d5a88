"""Boards that oversee plans, their members and meetings, and the packs issued to them. The
tables keep the names they had in the plans app (ADR 0007)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actions.models import Action
from core.formatting import day_text
from core.models import Organisation, Person
from plans.models import Plan

HEX_COLOUR_PATTERN = r"#[0-9a-fA-F]{6}"
HEX_COLOUR = RegexValidator(f"^{HEX_COLOUR_PATTERN}$", "Enter a colour such as #1d70b8.")


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
    colour = models.CharField(
        max_length=7,
        default="#1d70b8",
        validators=[HEX_COLOUR],
        help_text="The council's colour, for the band on the cover of the board pack (#rrggbb).",
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
    illustrative = models.BooleanField(
        default=False, help_text="Demo data made up to show the product, not a real board seat."
    )

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
    illustrative = models.BooleanField(
        default=False, help_text="Demo data made up to show the product, not a real meeting."
    )

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


class PackFile(models.Model):
    """A board pack rendered once (PDF, .xlsx or .docx) by a background job and kept in storage
    with its SHA-256 (issue 16). ``fingerprint`` names what the file shows: ``issued-<pk>`` for
    an issued pack (rendered once at issue), else the SHA-256 of the draft pack's data, so a
    draft is served again until its data changes. Downloads stream it after checking the digest
    (``core.files.verified_download``)."""

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Spreadsheet (.xlsx)"
        DOCX = "docx", "Word document (.docx)"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pack_files")
    issued_pack = models.ForeignKey(
        IssuedPack, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    format = models.CharField(max_length=4, choices=Format.choices)
    fingerprint = models.CharField(
        max_length=80, help_text="issued-<pack> for an issued pack, else the draft data's SHA-256."
    )
    file = models.FileField(upload_to="packs/%Y/%m/")
    filename = models.CharField(max_length=200, help_text="The name the file is downloaded as.")
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    volumes = models.PositiveSmallIntegerField(
        default=1, help_text="PDF volumes in the file (more than one: a .zip of them)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "format", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "format", "fingerprint"], name="one_pack_file_per_version"
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_format_display()} of the pack for {self.meeting} ({self.fingerprint[:14]})"
        )


class PackBrief(models.Model):
    """What the plan owner writes for a meeting's pack: an executive summary and the key
    messages for the board (plain text; lines starting "- " or "* " are a list). Saved with a
    version check, so two people editing at once never overwrite each other."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="brief")
    summary = models.TextField("Executive summary", blank=True, max_length=6000)
    key_messages = models.TextField("Key messages", blank=True, max_length=4000)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Summary for {self.meeting}"


class BoardQuestion(models.Model):
    """A board member's question on an action, asked before the meeting, and the answer of the
    action's lead (or their delegate). Both are shown in the pack."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="board_questions")
    question = models.TextField(max_length=2000)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "asked_at", "pk"]

    def __str__(self):
        return f"Question on {self.action.number} for {self.meeting}"


class BoardDecision(models.Model):
    """A decision taken, or an action arising, at a meeting: with an owner and a date, carried
    into every later pack of the board until it is closed."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        ACTION = "action", "Action arising"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ACTION)
    text = models.TextField("What was decided or is to be done", max_length=2000)
    owner_person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_decisions",
        verbose_name="owner (a person in the system)",
    )
    owner = models.CharField(
        "Owner",
        max_length=200,
        blank=True,
        help_text="Someone outside the system (a name or a post), when no person is chosen.",
    )
    due = models.DateField("Due by", null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closing_note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting__date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="action")
                | ~models.Q(owner="")
                | models.Q(owner_person__isnull=False),
                name="action_arising_has_an_owner",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.meeting}"

    @property
    def owner_display(self) -> str:
        """Who owns it: the person chosen, else the name typed for someone outside the system."""
        return self.owner_person.name if self.owner_person_id and self.owner_person else self.owner
