"""Matrix entries for password reset and the session keep-alive (sign-in and sign-out are in
core.py). Password reset is open to everyone, signed in or not; the keep-alive takes POST only
and sends a form without JavaScript back (to the sign-in page when not signed in)."""

from tests.matrix import Entry, statuses

EVERYONE = statuses(200, anonymous=200)
NO_POST = statuses(405, anonymous=405)

MATRIX = [
    # A POST with no data re-shows the form with an error.
    Entry("password_reset", get=EVERYONE, post=EVERYONE),
    Entry("password_reset_done", get=EVERYONE, post=NO_POST),
    Entry("password_reset_complete", get=EVERYONE, post=NO_POST),
    # A link with a bad token shows "This link does not work" for either method.
    Entry(
        "password_reset_confirm",
        kwargs=lambda o: {"uidb64": "MQ", "token": "not-a-valid-token"},
        get=EVERYONE,
        post=EVERYONE,
    ),
    Entry("session_keepalive", get=NO_POST, post=statuses(302)),
]
