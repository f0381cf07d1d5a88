"""The four roles, held as Django groups (created by a data migration)."""

from django.db import models


class Role(models.TextChoices):
    ADMINISTRATOR = "Administrators", "Administrator"
    OFFICER = "Officers", "Officer"
    BOARD_MEMBER = "Board members", "Board member"
    VIEWER = "Viewers", "Viewer"
