from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "augenhoehe.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from augenhoehe.accounts.demo import create_demo_accounts
        from augenhoehe.core.lib.demo import register_demo_step

        register_demo_step(10, "accounts", create_demo_accounts)
