from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "augenhoehe.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from augenhoehe.chat.exports import register

        register()
