from django.core.management.base import BaseCommand
from django.db import transaction

from augenhoehe.core.lib.demo import demo_steps


class Command(BaseCommand):
    help = "Create demo accounts, groups and content (idempotent: safe to run again)."

    def handle(self, *args, **options):
        for _order, name, step in demo_steps():
            with transaction.atomic():
                step(self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"demo: {name} ready"))
