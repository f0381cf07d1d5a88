"""Matrix entries for the actions explorer: every signed-in user may open it (each sees only the
actions of the plans they may read) and download the filtered rows. Neither the page, its
filter choices, its search nor its downloads ever mention another council; council B's plan or
organisation given as a filter is refused as a choice, not obeyed. A POST asks for a large
download to be prepared in the background: every signed-in user is sent to the job's page (or,
without a download asked for, back to the explorer), anyone else to sign in."""

from tests.matrix import READ_ALL, Entry, no_other_council, statuses

PREPARE = statuses(302)

MATRIX = [
    Entry("explorer:actions", get=READ_ALL, post=PREPARE, check=no_other_council),
    Entry(
        "explorer:actions",
        get=READ_ALL,
        post=PREPARE,
        query="?rating=red&sort=-rating",
        label="filtered",
        check=no_other_council,
    ),
    Entry(
        "explorer:actions",
        get=READ_ALL,
        post=PREPARE,
        query="?q=Early+Help",
        label="searching for council B's words",
        check=no_other_council,
    ),
    Entry(
        "explorer:actions",
        get=READ_ALL,
        post=PREPARE,
        query=lambda o: f"?plan={o['b_plan'].pk}&organisation={o['b_organisation'].pk}",
        label="council B's plan and organisation as filters",
        check=no_other_council,
    ),
    Entry(
        "explorer:actions",
        get=READ_ALL,
        post=PREPARE,
        query="?_export=csv",
        label="csv",
        check=no_other_council,
    ),
    Entry(
        "explorer:actions",
        get=READ_ALL,
        post=PREPARE,
        query="?_export=xlsx",
        label="xlsx",
        check=no_other_council,
    ),
]
