"""Matrix entries for the officers' pages: "My actions" and giving an update."""

from tests.matrix import Entry, no_other_council, statuses

# Only the action's lead (jane.smith) and administrators of its organisation may update it.
UPDATE_GET = statuses(403, officer=200, administrator=200, superuser=200)
# An empty POST re-shows the form with errors (200) for those allowed.
UPDATE_POST = statuses(403, officer=200, administrator=200, superuser=200)

MATRIX = [
    Entry("actions:mine", get=statuses(200), check=no_other_council),
    Entry(
        "actions:update",
        kwargs=lambda o: {"pk": o["action"].pk},
        get=UPDATE_GET,
        post=UPDATE_POST,
        post_data=lambda o: {"rating": "", "version": o["action"].version},
    ),
    # "No change since last period": the confirmation page, and a POST without the version
    # the page was opened at is refused as stale (409), saving nothing.
    Entry(
        "actions:update_no_change",
        kwargs=lambda o: {"pk": o["action"].pk},
        get=UPDATE_GET,
        post=statuses(403, officer=409, administrator=409, superuser=409),
    ),
    Entry(
        "actions:update",
        kwargs=lambda o: {"pk": o["other_action"].pk},
        get=statuses(403, administrator=200, superuser=200),
        # The demo's other action has this period's update from its own lead: another person's
        # POST is refused as a conflict (409), which shows the update they would overwrite.
        post=statuses(403, administrator=409, superuser=409),
        post_data=lambda o: {"rating": ""},
        label="not led",
    ),
    # Council B's action: only the superuser (middlesbrough.officer does not lead it).
    Entry(
        "actions:update",
        kwargs=lambda o: {"pk": o["b_action"].pk},
        get=statuses(403, superuser=200),
        post=statuses(403, superuser=200),
        post_data=lambda o: {"rating": ""},
        label="council B",
    ),
]


def _evidence(action):
    """An evidence file on the action's latest update (made for the request, rolled back)."""
    from django.core.files.base import ContentFile

    from actions.models import Attachment, StatusUpdate
    from actions.services import status_update_record

    update = StatusUpdate.objects.filter(action=action).newest_first().first()
    if update is None:
        update = status_update_record(action=action, lifecycle="in_progress", confidence="green")
    attachment = Attachment(update=update, name="evidence.pdf", kind="pdf", size=9)
    attachment.file.save("evidence.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


# Evidence is downloadable by whoever may read the action's plan (the board member only for
# the plan their board oversees).
MATRIX += [
    Entry(
        "actions:evidence",
        kwargs=lambda o: {"pk": _evidence(o["action"]).pk},
        get=statuses(200, b_officer=403),
    ),
    Entry(
        "actions:evidence",
        kwargs=lambda o: {"pk": _evidence(o["other_action"]).pk},
        get=statuses(200, board_member=403, partner=403, b_officer=403),
        label="other plan",
    ),
]


def _submitted(action):
    """An update of the action submitted for approval (made for the request, rolled back)."""
    from actions.services import status_update_record

    return status_update_record(
        action=action, lifecycle="in_progress", confidence="amber", commentary="x", submit=True
    )


# Approval of updates: the list is anyone's (it shows only what they may approve); approving
# and returning are for the plan's owner, its delegates and administrators (the demo's plan
# owner is not one of the actors; tests/actions/test_approval.py covers owners and delegates).
APPROVERS_ONLY = statuses(403, administrator=200, superuser=200)
MATRIX += [
    Entry("actions:approvals"),
    Entry(
        "actions:update_approve",
        kwargs=lambda o: {"pk": _submitted(o["action"]).pk},
        get=statuses(405),
        post=statuses(403, administrator=302, superuser=302),
    ),
    Entry(
        "actions:update_return",
        kwargs=lambda o: {"pk": _submitted(o["action"]).pk},
        get=APPROVERS_ONLY,
        post=APPROVERS_ONLY,  # an empty comment: the form again, with its error
    ),
]
