from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "augenhoehe.chat"
    label = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        from augenhoehe.chat.exports import register
        from augenhoehe.chat.hooks import register_edit_hook, register_message_hook
        from augenhoehe.safety.screening import screen_chat_message, screen_edited_message

        register()
        register_message_hook(screen_chat_message)  # the crisis safety net
        register_edit_hook(screen_edited_message)  # ... and again when a message is edited
