from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate

# The apps whose records administrators keep in the Django admin.
ADMINISTERED_APPS = (
    "core",
    "plans",
    "priorities",
    "actions",
    "measures",
    "boards",
    "transfer",
    "inspections",
    "api",
    "publishing",
)


def grant_administrator_permissions(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Make sure the four role groups exist and give the Administrators group every permission
    on the plan records (add, change, delete, view), so that an administrator needs a staff
    account in that group, not superuser status. Run after every migrate (Django creates the
    permissions of new models then) and after a flush (which empties the groups a data
    migration made): idempotent."""
    from django.contrib.auth.models import Group, Permission

    from core.roles import Role

    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
    group = Group.objects.using(using).get(name=Role.ADMINISTRATOR)
    wanted = Permission.objects.using(using).filter(content_type__app_label__in=ADMINISTERED_APPS)
    missing = wanted.exclude(group=group)
    if missing.exists():
        group.permissions.add(*missing)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Organisations, people and the audit log"

    def ready(self) -> None:
        from core import audit, checks  # noqa: F401 - sign-in audit receivers, system checks

        post_migrate.connect(
            grant_administrator_permissions, dispatch_uid="core_administrator_permissions"
        )
        from django.db import connections
        from django.db.backends.signals import connection_created

        from core import database, freshness

        # Every statement passes the write watcher that keeps cached page parts fresh.
        connection_created.connect(freshness.install, dispatch_uid="core_freshness_install")
        pre_migrate.connect(freshness.migration_started, dispatch_uid="core_freshness_migrating")
        post_migrate.connect(freshness.migration_finished, dispatch_uid="core_freshness_migrated")
        for connection in connections.all(initialized_only=True):
            freshness.install(connection=connection)
        if database.uses_postgresql():
            # Every wait for PostgreSQL has a time limit (core/database.py).
            database.install()
