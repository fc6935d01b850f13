from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from augenhoehe.accounts import actions
from augenhoehe.accounts.models import Role, User


class Command(BaseCommand):
    help = "Grant a role that needs trust (peer, professional, moderator, orgadmin) to an account."

    def add_arguments(self, parser):
        parser.add_argument("pseudonym")
        parser.add_argument("role", choices=Role.values)
        parser.add_argument("--revoke", action="store_true", help="Take the role away instead.")
        parser.add_argument(
            "--exin", metavar="ISSUER", help="With role peer: record a verified EX-IN certificate."
        )

    def handle(self, *args, pseudonym, role, revoke, exin, **options):
        try:
            user = User.objects.get(pseudonym__iexact=pseudonym.strip())
        except User.DoesNotExist:
            raise CommandError(f"No account with the pseudonym {pseudonym!r}.") from None
        if revoke:
            actions.revoke_role(user, role)
            self.stdout.write(self.style.SUCCESS(f"{user.pseudonym} no longer has role {role}."))
            return
        try:
            actions.grant_role(user, role)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        if exin and role == Role.PEER:
            actions.verify_peer_certificate(user, verified_by=None, issuer=exin)
        self.stdout.write(self.style.SUCCESS(f"{user.pseudonym} now has role {role}."))
