from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "augenhoehe.conversations"
    label = "conversations"
    verbose_name = _("One-to-one conversations")

    def ready(self) -> None:
        from augenhoehe.conversations import access, exports, safety_hooks
        from augenhoehe.conversations.demo import create_demo_conversations
        from augenhoehe.core.lib.demo import register_demo_step

        access.register()
        safety_hooks.register()
        exports.register()
        register_demo_step(30, "conversations", create_demo_conversations)
