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
    Entry(
        "actions:update",
        kwargs=lambda o: {"pk": o["other_action"].pk},
        get=statuses(403, administrator=200, superuser=200),
        post=statuses(403, administrator=200, superuser=200),
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
