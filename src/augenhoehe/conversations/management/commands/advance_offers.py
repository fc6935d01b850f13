"""``augenhoehe advance-offers [--loop]``: pass on expired offers (auto-offer mode)."""

import time

from django.core.management.base import BaseCommand

from augenhoehe.conversations.actions import advance_offers


class Command(BaseCommand):
    help = "Auto-offer mode: expire offers and offer waiting requests to the next peer."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="repeat every --every seconds")
        parser.add_argument("--every", type=float, default=5.0)

    def handle(self, *args, **options):
        while True:
            made = advance_offers()
            if not options["loop"]:
                self.stdout.write(f"made {made} offer(s)")
                return
            time.sleep(options["every"])
