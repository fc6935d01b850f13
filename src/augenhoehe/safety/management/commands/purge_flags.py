"""``augenhoehe purge-flags``: delete crisis flags older than CRISIS_FLAG_RETENTION_DAYS.

Run daily, e.g. cron: ``23 3 * * * augenhoehe purge-flags``. Flags with an alert nobody
has acknowledged yet are kept until someone has.
"""

from django.core.management.base import BaseCommand

from augenhoehe.safety.actions import purge_flags


class Command(BaseCommand):
    help = "Delete crisis flags (and their acknowledged alerts) past the retention period."

    def handle(self, *args, **options):
        count = purge_flags()
        self.stdout.write(f"deleted {count} flag(s)")
