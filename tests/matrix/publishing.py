"""Matrix entries for the public progress pages: no sign-in needed. In the demo data no plan has
opted in, so every plan's public page, feed and publication is 404 for everyone, whatever the
address (nothing unpublished is reachable by guessing); the list of published plans is open.
A POST is 405 everywhere, whether or not the plan exists.
Published pages are tested in tests/publishing/."""

from tests.matrix import Entry, statuses

EVERYONE = statuses(200, anonymous=200)
NOBODY = statuses(404, anonymous=404)
NO_POST = statuses(405, anonymous=405)

MATRIX = [
    Entry("publishing:list", get=EVERYONE, post=NO_POST),
    Entry("publishing:plan", kwargs=lambda o: {"slug": o["plan"].slug}, get=NOBODY, post=NO_POST),
    Entry("publishing:feed", kwargs=lambda o: {"slug": o["plan"].slug}, get=NOBODY, post=NO_POST),
    Entry(
        "publishing:publication",
        kwargs=lambda o: {"slug": o["plan"].slug, "pk": 1},
        get=NOBODY,
        post=NO_POST,
    ),
]

# What is published about a plan: the administrators of the plan's organisation (and the
# superuser) and the plan's owner (the demo Improvement Plan's owner is the DCS post, which has
# no sign-in). An empty POST saves "not published". Council B's plan: not Stockton's
# administrator's, nor council B's officer's (not its owner).
MATRIX += [
    Entry(
        "publishing:manage",
        kwargs=lambda o: {"slug": o["plan"].slug},
        get=statuses(403, administrator=200, superuser=200),
        post=statuses(403, administrator=302, superuser=302),
    ),
    Entry(
        "publishing:manage",
        kwargs=lambda o: {"slug": o["b_plan"].slug},
        get=statuses(403, superuser=200),
        post=statuses(403, superuser=302),
        label="council B",
    ),
]
