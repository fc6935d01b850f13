from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupsConfig(AppConfig):
    name = "augenhoehe.groups"
    label = "groups"
    verbose_name = _("Self-help groups")

    def ready(self) -> None:
        from augenhoehe.chat.access import RoomPolicy, register_room_policy
        from augenhoehe.core.lib.demo import register_demo_step
        from augenhoehe.core.lib.export import register_exporter
        from augenhoehe.groups import access
        from augenhoehe.groups.actions import GROUP_ROOM_KIND, record_hidden
        from augenhoehe.groups.demo import create_demo_groups
        from augenhoehe.groups.exports import export_memberships

        register_room_policy(
            GROUP_ROOM_KIND,
            RoomPolicy(
                is_participant=access.is_room_participant,
                can_moderate=access.can_moderate_room,
                on_hidden=record_hidden,
            ),
        )
        register_demo_step(20, "groups", create_demo_groups)
        register_exporter("group_memberships", export_memberships)
