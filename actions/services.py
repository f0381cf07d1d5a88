"""Writes to actions and their updates. Views, importers and the demo loader call these; they
validate and keep the action's current rating equal to its latest update's, with a version check
so that two people saving at once never silently overwrite each other."""

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from actions.models import Action, StatusUpdate
from actions.querysets import Approval
from core.rag import combine


class ApprovedUpdateError(Exception):
    """An approved update is final: boards may already have seen it."""


class StaleUpdateError(Exception):
    """Someone else updated the action after the form was opened."""

    def __init__(self, action: Action, latest: StatusUpdate | None):
        super().__init__("The action was updated by someone else after you opened it.")
        self.action = action
        self.latest = latest


@dataclass(frozen=True)
class Reason:
    """The structured reason boards ask for when an action is red or amber."""

    issue: str = ""
    mitigation: str = ""
    resolve_by: date | None = None
    outside_control: bool = False


@dataclass(frozen=True)
class UpdateDetails:
    """What an officer says in an update besides the rating."""

    commentary: str = ""
    reason: Reason = field(default_factory=Reason)
    evidence_of_impact: str = ""
    proposed_timescale: str = ""
    proposed_timescale_reason: str = ""
    escalate: bool = False


def display_name(user) -> str:
    """How an update is signed: the officer's name where the account is linked to one."""
    person = getattr(user, "person", None)
    return (person.name if person else "") or user.get_full_name() or user.get_username()


def _claim(action: Action, expected_version: int | None, rating: str | None, moment) -> None:
    """Move the action to its new rating and version, refusing if the version has moved on
    (``rating`` None: only the version moves, for an update awaiting approval). The conditional
    UPDATE checks and takes the row lock in one statement (PostgreSQL and SQLite alike)."""
    filters = {"pk": action.pk}
    if expected_version is not None:
        filters["version"] = expected_version
    changes: dict[str, object] = {"version": F("version") + 1}
    if rating is not None:
        changes.update(rating=rating, rating_updated_at=moment)
    changed = Action.objects.filter(**filters).update(**changes)
    if not changed:
        latest = StatusUpdate.objects.filter(action=action).newest_first().first()
        raise StaleUpdateError(action, latest)


def _apply(update: StatusUpdate, details: UpdateDetails) -> None:
    update.commentary = details.commentary
    update.issue = details.reason.issue
    update.mitigation = details.reason.mitigation
    update.resolve_by = details.reason.resolve_by
    update.outside_control = details.reason.outside_control
    update.evidence_of_impact = details.evidence_of_impact
    update.proposed_timescale = details.proposed_timescale
    update.proposed_timescale_reason = details.proposed_timescale_reason
    update.escalate = details.escalate


@transaction.atomic
def status_update_record(
    *,
    action: Action,
    lifecycle: str,
    confidence: str = "",
    commentary: str = "",
    author=None,
    author_name: str = "",
    period=None,
    reason: Reason | None = None,
    evidence_of_impact: str = "",
    proposed_timescale: str = "",
    proposed_timescale_reason: str = "",
    escalate: bool = False,
    expected_version: int | None = None,
    created_at=None,
    illustrative: bool = False,
    submit: bool | None = None,
) -> StatusUpdate:
    """Record a RAG update and make it the action's current rating; or, when ``submit`` (by
    default: when the plan's updates need approval), submit it for approval, leaving the rating
    to follow once it is approved (``status_update_approve``).

    With ``expected_version`` (the version the officer's form was opened at), the save is refused
    with ``StaleUpdateError`` when anyone else has updated the action since."""
    details = UpdateDetails(
        commentary=commentary,
        reason=reason or Reason(),
        evidence_of_impact=evidence_of_impact,
        proposed_timescale=proposed_timescale,
        proposed_timescale_reason=proposed_timescale_reason,
        escalate=escalate,
    )
    rating = combine(lifecycle, confidence or None)
    moment = created_at or timezone.now()
    if submit is None:
        submit = action.plan.updates_need_approval
    _claim(action, expected_version, None if submit else rating, moment)
    if not author_name and author is not None:
        author_name = display_name(author)
    update = StatusUpdate(
        action=action,
        period=period,
        lifecycle=lifecycle,
        confidence=confidence or "",
        author=author,
        author_name=author_name,
        created_at=moment,
        illustrative=illustrative,
        approval=Approval.SUBMITTED if submit else Approval.APPROVED,
    )
    _apply(update, details)
    update.full_clean(exclude=["action", "period", "author"], validate_unique=False)
    if created_at is not None:
        # A back-dated update (imports, the demo history): its history starts when it was given,
        # so "as at" reconstructions of earlier dates see it exactly when they should.
        update._history_date = moment
    update.save()
    action.refresh_from_db(fields=["rating", "rating_updated_at", "version"])
    return update


@dataclass
class FirstRating:
    """The first rating of an action that has none yet (``status_updates_record_first``)."""

    action: Action
    lifecycle: str
    confidence: str = ""
    commentary: str = ""


@transaction.atomic
def status_updates_record_first(
    ratings: list[FirstRating], *, author=None, change_reason: str = "", batch: int = 500
) -> list[StatusUpdate]:
    """Record the first update of many actions at once (an import of thousands of rated
    actions), as ``status_update_record`` would one by one: the same validation, approval
    (submitted, leaving the rating to follow, when the plan's updates need approval), author's
    name and history; the actions' rating, date and version in bulk. Only for actions created
    in the same transaction, which no one else can have updated (no version to check)."""
    moment = timezone.now()
    author_name = display_name(author) if author is not None else ""
    updates = []
    for item in ratings:
        submit = item.action.plan.updates_need_approval
        update = StatusUpdate(
            action=item.action,
            lifecycle=item.lifecycle,
            confidence=item.confidence or "",
            rating=combine(item.lifecycle, item.confidence or None),
            author=author,
            author_name=author_name,
            created_at=moment,
            approval=Approval.SUBMITTED if submit else Approval.APPROVED,
        )
        _apply(update, UpdateDetails(commentary=item.commentary))
        # the constraints are the database's own, checked by the insert below
        update.full_clean(
            exclude=["action", "period", "author"],
            validate_unique=False,
            validate_constraints=False,
        )
        updates.append(update)
        item.action.version += 1
        if not submit:
            item.action.rating, item.action.rating_updated_at = update.rating, moment
    bulk_create_with_history(
        updates,
        StatusUpdate,
        batch_size=batch,
        default_user=author,
        default_change_reason=change_reason or None,
        default_date=moment,
    )
    # one UPDATE per rating given (a handful), not one per action
    by_rating: dict[str | None, list[int]] = {}
    for item, update in zip(ratings, updates, strict=True):
        rated = update.approval == Approval.APPROVED
        by_rating.setdefault(update.rating if rated else None, []).append(item.action.pk)
    for rating, pks in by_rating.items():
        changes: dict[str, object] = {"version": F("version") + 1}
        if rating is not None:
            changes.update(rating=rating, rating_updated_at=moment)
        for start in range(0, len(pks), batch):
            Action.objects.filter(pk__in=pks[start : start + batch]).update(**changes)
    return updates


@transaction.atomic
def status_update_revise(
    *,
    update: StatusUpdate,
    lifecycle: str,
    confidence: str = "",
    details: UpdateDetails,
    expected_version: int,
    user,
) -> StatusUpdate:
    """Change an update its author gave in a period that is still open. The history keeps the
    earlier wording (django-simple-history), and the action's rating follows if this is still
    its latest update."""
    action = update.action
    if update.approval == Approval.APPROVED and update.approved_at is not None:
        raise ApprovedUpdateError("An approved update cannot be changed.")
    rating = combine(lifecycle, confidence or None)
    latest = StatusUpdate.objects.filter(action=action).approved().newest_first().first()
    is_latest = (
        update.approval == Approval.APPROVED and latest is not None and latest.pk == update.pk
    )
    _claim(
        action,
        expected_version,
        rating if is_latest else action.rating,
        timezone.now() if is_latest else action.rating_updated_at,
    )
    if update.approval == Approval.RETURNED:
        update.approval = Approval.SUBMITTED  # changed after being returned: submitted again
    update.lifecycle = lifecycle
    update.confidence = confidence or ""
    _apply(update, details)
    update._change_reason = f"Revised by {user.get_username()}"
    update.full_clean(exclude=["action", "period", "author"], validate_unique=False)
    update.save()
    action.refresh_from_db(fields=["rating", "rating_updated_at", "version"])
    return update


def action_ratings_resync(action_ids) -> None:
    """Bring each action's rating, its time and its version back in step with its newest status
    update (Not started when it has none), for changes made outside the officers' pages: an
    administrator adding, editing or deleting an update in the Django admin. The version moves
    on, so an officer with the update form open gets the conflict page instead of overwriting."""
    from core.rag import Rating

    ids = set(action_ids)
    if not ids:
        return
    newest: dict[int, tuple] = {}
    for action_id, rating, created_at in (
        StatusUpdate.objects.filter(action_id__in=ids)
        .approved()
        .order_by("action_id", "-created_at", "-pk")
        .values_list("action_id", "rating", "created_at")
    ):
        newest.setdefault(action_id, (rating, created_at))
    with transaction.atomic():
        for action_id in ids:
            rating, moment = newest.get(action_id, (Rating.NOT_STARTED.value, None))
            Action.objects.filter(pk=action_id).update(
                rating=rating, rating_updated_at=moment, version=F("version") + 1
            )


NO_CHANGE_COMMENTARY = "No change since last period."


def no_change_refusal(action: Action, previous: StatusUpdate | None, today: date) -> str:
    """Why a "No change since last period" update cannot be given (empty when it can): there
    must be an earlier update to repeat, and repeating it must not hide something a board would
    challenge (green on an overdue action, a red or amber issue whose resolution date has
    passed)."""
    from core.rag import Rating

    if previous is None:
        return "There is no earlier update to repeat: give a full update."
    if previous.rating == Rating.GREEN and action.overdue_on(today):
        return (
            "It is past its due date, so a green rating needs a revised date or a reason: "
            "give a full update."
        )
    if previous.rating in (Rating.RED, Rating.AMBER) and (
        previous.resolve_by is None or previous.resolve_by < today
    ):
        return "The date the issue was to be resolved by has passed: give a full update."
    return ""


def status_update_no_change(
    *, action: Action, previous: StatusUpdate, author, period, expected_version: int
) -> StatusUpdate:
    """Record "No change since last period": the previous update's rating and structured reason
    again, with that commentary, for this period."""
    return status_update_record(
        action=action,
        lifecycle=previous.lifecycle,
        confidence=previous.confidence,
        commentary=NO_CHANGE_COMMENTARY,
        author=author,
        period=period,
        reason=Reason(
            issue=previous.issue,
            mitigation=previous.mitigation,
            resolve_by=previous.resolve_by,
            outside_control=previous.outside_control,
        ),
        evidence_of_impact=previous.evidence_of_impact,
        expected_version=expected_version,
    )


def attachments_add(*, update: StatusUpdate, files, user) -> list:
    """Keep evidence files with an update, through the default storage. ``files`` are
    (upload, kind) pairs already checked by ``actions.evidence.check_upload``."""
    from actions.models import Attachment

    saved = []
    for upload, kind in files:
        attachment = Attachment(
            update=update,
            name=download_name(upload.name or "evidence", kind.extension),
            kind=kind.code,
            size=upload.size,
            uploaded_by=user,
        )
        attachment.file.save(upload.name or "evidence", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def download_name(name: str, extension: str) -> str:
    """The name a file is given back with: as uploaded, but always ending in the extension of
    what it really is (a PDF uploaded as "minutes.exe" downloads as "minutes.exe.pdf")."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip() or "evidence"
    current = name.rpartition(".")[2].lower() if "." in name else ""
    if current == extension or (extension == "jpg" and current == "jpeg"):
        return name[-255:]
    return f"{name[: 250 - len(extension)]}.{extension}"


@transaction.atomic
def status_update_approve(*, update: StatusUpdate, user) -> StatusUpdate:
    """Approve a submitted update: boards see it from now on (and packs as at any later moment),
    and the action's rating follows its newest approved update."""
    update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
    if update.approval != Approval.SUBMITTED:
        raise ApprovedUpdateError("Only a submitted update can be approved.")
    update.approval = Approval.APPROVED
    update.approved_at = timezone.now()
    update.reviewed_by = user
    update.review_comment = ""
    update._change_reason = f"Approved by {user.get_username()}"
    update.save()
    action_ratings_resync([update.action_id])
    return update


@transaction.atomic
def status_update_return(*, update: StatusUpdate, user, comment: str) -> StatusUpdate:
    """Return a submitted update to its author with a comment; boards never see it unless it is
    changed, submitted again and approved. The history keeps it."""
    update = StatusUpdate.objects.select_for_update().get(pk=update.pk)
    if update.approval != Approval.SUBMITTED:
        raise ApprovedUpdateError("Only a submitted update can be returned.")
    update.approval = Approval.RETURNED
    update.reviewed_by = user
    update.review_comment = comment
    update._change_reason = f"Returned by {user.get_username()}"
    update.save()
    Action.objects.filter(pk=update.action_id).update(version=F("version") + 1)
    return update
