"""Matrix entries for the officers' pages: "My actions" and giving an update."""

from tests.matrix import Entry, statuses

# Only the action's lead (jane.smith) and administrators may update it; everyone else is refused.
UPDATE_GET = statuses(403, officer=200, administrator=200)
# An empty POST re-shows the form with errors (200) for those allowed.
UPDATE_POST = statuses(403, officer=200, administrator=200)

MATRIX = [
    Entry("actions:mine", get=statuses(200)),
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
        post=statuses(403, officer=409, administrator=409),
    ),
    Entry(
        "actions:update",
        kwargs=lambda o: {"pk": o["other_action"].pk},
        get=statuses(403, administrator=200),
        post=statuses(403, administrator=200),
        post_data=lambda o: {"rating": ""},
        label="not led",
    ),
]
