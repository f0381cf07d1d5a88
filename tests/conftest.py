import pytest
from django.core.management import call_command

from tests import factories


@pytest.fixture
def admin_client(client, db):
    client.force_login(factories.admin_user())
    return client


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once for a test module and removed after it. Tests using it must
    also use `db` (their own changes are then rolled back)."""
    from django.db import connection

    from demo.loader import load_all

    with django_db_blocker.unblock():
        name = str(connection.settings_dict["NAME"])
        # Never load into (and then flush) a real database: only the test database.
        assert "test" in name, f"demo_data refused to run on {name}"
        report = load_all()
    yield report
    with django_db_blocker.unblock():
        # flush empties the role groups a data migration made; its post_migrate signal makes
        # them again (core.apps.grant_administrator_permissions).
        call_command("flush", "--noinput", verbosity=0)
