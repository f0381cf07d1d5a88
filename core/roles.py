"""The four roles, held as Django groups (created by a data migration)."""

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "Administrators", "Administrator"
    OFFICER = "Officers", "Officer"
    BOARD_MEMBER = "Board members", "Board member"
    VIEWER = "Viewers", "Viewer"


# The roles that read every plan of the user's organisations (``core.permissions``). A board
# member reads only the plans overseen by the boards they sit on.
READING_ROLES = (Role.ADMINISTRATOR, Role.OFFICER, Role.VIEWER)
