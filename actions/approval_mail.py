"""E-mails of the approval of updates: to the plan's owner and delegates when an update is
submitted for their approval, and to the update's author when it is returned with a comment.
Each goes through the task queue (``core.tasks.queue_email``) once the change is committed."""

from django.conf import settings
from django.template.loader import render_to_string

from actions.models import StatusUpdate
from core.models import Person
from core.tasks import queue_email


def site_url() -> str:
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000")


def _address(person: Person | None) -> str:
    """A person's e-mail address: their own, or their sign-in account's."""
    if person is None:
        return ""
    return person.email or (person.user.email if person.user_id and person.user else "")


def approvers_of(update: StatusUpdate) -> list[str]:
    """The addresses of the plan's owner and the delegates who may approve its updates, without
    the update's author (someone approving their own plan's update needs no note of it)."""
    plan = update.action.plan
    people = [plan.owner] if plan.owner_id else []
    people += list(plan.update_approvers.select_related("user"))
    author_email = update.author.email.lower() if update.author and update.author.email else ""
    addresses: list[str] = []
    for person in people:
        if person is not None and person.user_id and person.user_id == update.author_id:
            continue
        address = _address(person)
        if address and address.lower() != author_email and address not in addresses:
            addresses.append(address)
    return addresses


def author_address(update: StatusUpdate) -> str:
    """Where the update's author is written to: their account's address, or their Person's."""
    author = update.author
    if author is None:
        return ""
    if author.email:
        return author.email
    return _address(Person.objects.filter(user=author).first())


def _subject(update: StatusUpdate, what: str) -> str:
    action = update.action
    label = action.plan.action_label.lower()
    return f"{action.plan.title}: update to {label} {action.number} {what}"


def notify_submitted(update: StatusUpdate) -> list[str]:
    """Tell the plan's approvers an update awaits them; returns the addresses written to."""
    to = approvers_of(update)
    if to:
        body = render_to_string(
            "actions/email/submitted.txt", {"update": update, "site_url": site_url()}
        )
        for address in to:
            queue_email(_subject(update, "awaits your approval"), body, [address])
    return to


def notify_returned(update: StatusUpdate, returned_by) -> str:
    """Tell the update's author it was returned, with the comment and a link to the action;
    returns the address written to ("" when the author has none)."""
    to = author_address(update)
    if to:
        body = render_to_string(
            "actions/email/returned.txt",
            {"update": update, "returned_by": returned_by, "site_url": site_url()},
        )
        queue_email(_subject(update, "returned to you"), body, [to])
    return to
