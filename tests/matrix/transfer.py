"""Matrix entries for import (administrators only, within their organisations) and export
(anyone who may view the plan).

The preview and commit pages need an upload; ``an_upload`` makes one (a small valid CSV for a
new plan, uploaded by Stockton's administrator; ``b_upload`` by Middlesbrough's) inside the
test's own transaction. An administrator never reaches another council's upload (404), and the
upload forms offer only their own organisation's plans."""

from django.contrib.auth import get_user_model

from core.models import Organisation
from tests.factories.transfer import csv_bytes, new_plan_options, simple_rows
from tests.matrix import (
    BOARD_SCOPED,
    COUNCIL_B_ONLY,
    OTHER_PLAN,
    Entry,
    no_other_council,
    statuses,
)
from transfer.models import PlanImport

ADMIN_ONLY_GET = statuses(403, administrator=200, superuser=200)
ADMIN_ONLY_NO_POST = statuses(403, administrator=405, superuser=405)
GET_ONLY = statuses(405)


def upload_by(username, organisation_id, title):
    from transfer.imports.services import plan_import_upload

    return plan_import_upload(
        user=get_user_model().objects.get(username=username),
        kind=PlanImport.Kind.PLAN,
        filename="matrix.csv",
        content=csv_bytes(simple_rows(2)),
        options=new_plan_options(Organisation.objects.get(pk=organisation_id), title=title),
    )


def an_upload(objs) -> PlanImport:
    return upload_by("stockton.admin", objs["plan"].organisation_id, "Matrix plan")


def b_upload(objs) -> PlanImport:
    return upload_by("middlesbrough.admin", objs["b_plan"].organisation_id, "Matrix B plan")


MATRIX = [
    Entry("imports:index", get=ADMIN_ONLY_GET, post=ADMIN_ONLY_NO_POST, check=no_other_council),
    # A POST with no file re-shows the form with its errors.
    Entry(
        "imports:plan_upload",
        get=ADMIN_ONLY_GET,
        post=statuses(403, administrator=200, superuser=200),
        check=no_other_council,
    ),
    Entry(
        "imports:measures_upload",
        get=ADMIN_ONLY_GET,
        post=statuses(403, administrator=200, superuser=200),
    ),
    # POST saves the column mapping (none needed here) and returns to the preview.
    Entry(
        "imports:preview",
        kwargs=lambda o: {"pk": an_upload(o).pk},
        get=ADMIN_ONLY_GET,
        post=statuses(403, administrator=302, superuser=302),
    ),
    Entry(
        "imports:preview",
        kwargs=lambda o: {"pk": b_upload(o).pk},
        get=statuses(403, administrator=404, superuser=200),
        post=statuses(403, administrator=404, superuser=302),
        label="council B",
    ),
    # The new measures of a statistics upload: administrators only, and only of a measure upload
    # they may see (a plan upload, or another council's, is not there for them).
    Entry(
        "imports:new_measures",
        kwargs=lambda o: {"pk": an_upload(o).pk},
        get=statuses(403, administrator=404, superuser=404),
        post=statuses(403, administrator=404, superuser=404),
    ),
    Entry(
        "imports:new_measures",
        kwargs=lambda o: {"pk": b_upload(o).pk},
        get=statuses(403, administrator=404, superuser=404),
        post=statuses(403, administrator=404, superuser=404),
        label="council B",
    ),
    # Commit is POST only; it imports and redirects to the new plan.
    Entry(
        "imports:commit",
        kwargs=lambda o: {"pk": an_upload(o).pk},
        get=ADMIN_ONLY_NO_POST,
        post=statuses(403, administrator=302, superuser=302),
    ),
    Entry(
        "imports:commit",
        kwargs=lambda o: {"pk": b_upload(o).pk},
        get=ADMIN_ONLY_NO_POST,
        post=statuses(403, administrator=404, superuser=302),
        label="council B",
    ),
    Entry(
        "exports:plan_xlsx",
        kwargs=lambda o: {"slug": o["plan"].slug},
        get=BOARD_SCOPED,
        post=statuses(302, b_officer=403),
    ),
    Entry(
        "exports:plan_xlsx",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        post=statuses(302, board_member=403, partner=403, b_officer=403),
        label="other plan",
    ),
    Entry(
        "exports:plan_xlsx",
        kwargs=lambda o: {"slug": o["b_plan"].slug},
        get=COUNCIL_B_ONLY,
        post=statuses(403, superuser=302, b_officer=302),
        label="council B",
    ),
    Entry(
        "exports:plan_csv",
        kwargs=lambda o: {"slug": o["plan"].slug},
        get=BOARD_SCOPED,
        post=statuses(302, b_officer=403),
    ),
    Entry(
        "exports:plan_csv",
        kwargs=lambda o: {"slug": o["other_plan"].slug},
        get=OTHER_PLAN,
        post=statuses(302, board_member=403, partner=403, b_officer=403),
        label="other plan",
    ),
    Entry(
        "exports:plan_csv",
        kwargs=lambda o: {"slug": o["b_plan"].slug},
        get=COUNCIL_B_ONLY,
        post=statuses(403, superuser=302, b_officer=302),
        label="council B",
    ),
    # Everyone signed in may download; the rows are the measures they may read.
    Entry("exports:measures_xlsx", get=statuses(200), post=GET_ONLY, check=no_other_council),
    Entry("exports:measures_csv", get=statuses(200), post=GET_ONLY, check=no_other_council),
]
