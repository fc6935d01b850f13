"""``augenhoehe escalate-alerts``: run every minute (cron or a systemd timer).

Crisis alerts nobody acknowledged within CRISIS_ESCALATE_AFTER_MINUTES go to all staff.
"""

from django.core.management.base import BaseCommand

from augenhoehe.safety.actions import escalate_overdue_alerts


class Command(BaseCommand):
    help = "Send unacknowledged crisis alerts to all professionals, moderators and admins."

    def handle(self, *args, **options):
        count = escalate_overdue_alerts()
        if options["verbosity"] > 1 or count:
            self.stdout.write(f"escalated {count} alert(s)")
