"""Matrix entries for single sign-on (accounts app). Open to everyone, signed in or not: the
start and callback addresses answer 404 for an organisation with no sign-in set up (the demo
data has none; tests/accounts runs them against a real provider), and take GET only."""

from tests.matrix import Entry, statuses

EVERYONE = statuses(200, anonymous=200)
NOT_FOUND = statuses(404, anonymous=404)
NO_POST = statuses(405, anonymous=405)
UNKNOWN = {"slug": "no-such-organisation"}

MATRIX = [
    Entry("accounts:start", kwargs=lambda o: UNKNOWN, get=NOT_FOUND, post=NO_POST),
    Entry("accounts:callback", kwargs=lambda o: UNKNOWN, get=NOT_FOUND, post=NO_POST),
    Entry("accounts:signed_out", get=EVERYONE, post=NO_POST),
]
