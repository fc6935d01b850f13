"""``augenhoehe purge-conversations``: delete conversations that ended RETENTION_DAYS ago.

Run daily, e.g. cron: ``17 3 * * * augenhoehe purge-conversations``.
"""

from django.core.management.base import BaseCommand

from augenhoehe.conversations.actions import purge_conversations


class Command(BaseCommand):
    help = "Delete conversations (and withdrawn requests) past the retention period."

    def handle(self, *args, **options):
        count = purge_conversations()
        self.stdout.write(f"deleted {count} conversation(s)")
