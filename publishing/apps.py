from django.apps import AppConfig
from django.db.models.signals import post_save


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Public progress pages"

    def ready(self):
        from boards.models import IssuedPack
        from publishing.services import on_pack_issued

        post_save.connect(on_pack_issued, sender=IssuedPack, dispatch_uid="publishing_pack_issued")
