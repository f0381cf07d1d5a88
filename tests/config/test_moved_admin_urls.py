"""The admin pages of the models that moved out of the plans app answer at their old address."""

import pytest

from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/admin/plans/organisation/", "/admin/core/organisation/"),
        ("/admin/plans/person/7/change/?_popup=1", "/admin/core/person/7/change/?_popup=1"),
        ("/admin/plans/auditevent/?kind=export", "/admin/core/auditevent/?kind=export"),
        ("/admin/plans/board/add/", "/admin/boards/board/add/"),
        ("/admin/plans/issuedpack/", "/admin/boards/issuedpack/"),
        ("/admin/plans/planimport/", "/admin/transfer/planimport/"),
    ],
)
def test_old_admin_address_redirects_to_the_new_app(client, old, new):
    client.force_login(factories.admin_user())
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == new


@pytest.mark.django_db
def test_the_plan_admin_did_not_move(client):
    client.force_login(factories.admin_user())
    assert client.get("/admin/plans/plan/").status_code == 200
