from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("Users and access")

    def ready(self) -> None:
        from crm import signals  # noqa: F401  (connects the access-cache receivers)
