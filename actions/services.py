"""Writes to actions and their updates. Views and importers call these; they validate and keep the
action's current rating equal to its latest update's, with a version check so that two people
saving at once never silently overwrite each other."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Action, StatusUpdate
from .rag import combine


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
    resolve_by: object = None
    outside_control: bool = False


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
) -> StatusUpdate:
    """Record a RAG update and make it the action's current rating.

    With ``expected_version`` (the version the officer's form was opened at), the save is refused
    with ``StaleUpdateError`` when anyone else has updated the action since."""
    reason = reason or Reason()
    rating = combine(lifecycle, confidence or None)
    moment = created_at or timezone.now()
    version_filter = {"pk": action.pk}
    if expected_version is not None:
        version_filter["version"] = expected_version
    # The conditional UPDATE takes the row lock and checks the version in one statement.
    changed = Action.objects.filter(**version_filter).update(
        rating=rating, rating_updated_at=moment, version=F("version") + 1
    )
    if not changed:
        latest = StatusUpdate.objects.filter(action=action).newest_first().first()
        raise StaleUpdateError(action, latest)
    update = StatusUpdate(
        action=action,
        period=period,
        lifecycle=lifecycle,
        confidence=confidence or "",
        commentary=commentary,
        issue=reason.issue,
        mitigation=reason.mitigation,
        resolve_by=reason.resolve_by,
        outside_control=reason.outside_control,
        evidence_of_impact=evidence_of_impact,
        proposed_timescale=proposed_timescale,
        proposed_timescale_reason=proposed_timescale_reason,
        escalate=escalate,
        author=author,
        author_name=author_name
        or (author.get_full_name() or author.get_username() if author else ""),
        created_at=moment,
        illustrative=illustrative,
    )
    update.full_clean(exclude=["action", "period", "author"])
    update.save()
    action.refresh_from_db(fields=["rating", "rating_updated_at", "version"])
    return update
