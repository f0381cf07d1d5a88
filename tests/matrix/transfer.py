"""Matrix entries for import (administrators only) and export (anyone who may view the plan).

The preview and commit pages need an upload; ``an_upload`` makes one (a small valid CSV for a
new plan, uploaded by the demo administrator) inside the test's own transaction."""

from core.models import Organisation
from tests.factories.transfer import csv_bytes, new_plan_options, simple_rows
from tests.matrix import Entry, statuses
from tests.matrix.core import check_measures
from transfer.models import PlanImport

ADMIN_ONLY_GET = statuses(403, administrator=200)
ADMIN_ONLY_NO_POST = statuses(403, administrator=405)
BOARD_SCOPED = statuses(200, no_role=403)
OTHER_PLAN = statuses(200, board_member=403, no_role=403)
GET_ONLY = statuses(405)


def an_upload(objs) -> PlanImport:
    from django.contrib.auth import get_user_model

    from transfer.imports.services import plan_import_upload

    admin = get_user_model().objects.get(username="admin")
    organisation = Organisation.objects.get(pk=objs["plan"].organisation_id)
    return plan_import_upload(
        user=admin,
        kind=PlanImport.Kind.PLAN,
        filename="matrix.csv",
        content=csv_bytes(simple_rows(2)),
        options=new_plan_options(organisation, title="Matrix plan"),
    )


MATRIX = [
    Entry("imports:index", get=ADMIN_ONLY_GET, post=ADMIN_ONLY_NO_POST),
    # A POST with no file re-shows the form with its errors.
    Entry("imports:plan_upload", get=ADMIN_ONLY_GET, post=statuses(403, administrator=200)),
    Entry("imports:measures_upload", get=ADMIN_ONLY_GET, post=statuses(403, administrator=200)),
    # POST saves the column mapping (none needed here) and returns to the preview.
    Entry(
        "imports:preview",
        kwargs=lambda o: {"pk": an_upload(o).pk},
        get=ADMIN_ONLY_GET,
        post=statuses(403, administrator=302),
    ),
    # Commit is POST only; it imports and redirects to the new plan.
    Entry(
        "imports:commit",
        kwargs=lambda o: {"pk": an_upload(o).pk},
        get=ADMIN_ONLY_NO_POST,
        post=statuses(403, administrator=302),
    ),
    Entry(
        "exports:plan_xlsx",
        kwargs=lambda o: {"slug": o["plan"].slug},
        get=BOARD_SCOPED,
        post=GET_ONLY,
    ),
    Entry(
        "exports:plan_xlsx",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        post=GET_ONLY,
        label="other plan",
    ),
    Entry(
        "exports:plan_csv",
        kwargs=lambda o: {"slug": o["plan"].slug},
        get=BOARD_SCOPED,
        post=GET_ONLY,
    ),
    Entry(
        "exports:plan_csv",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        post=GET_ONLY,
        label="other plan",
    ),
    # Everyone signed in may download; the rows are the measures of the plans they may read.
    Entry("exports:measures_xlsx", get=statuses(200), post=GET_ONLY, check=check_measures),
    Entry("exports:measures_csv", get=statuses(200), post=GET_ONLY, check=check_measures),
]
