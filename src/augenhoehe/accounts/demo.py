"""Demo accounts. All share the password below; never use the demo on a public server."""

from __future__ import annotations

from augenhoehe.accounts import actions
from augenhoehe.accounts.models import Perspective, Role, User

DEMO_PASSWORD = "augenhoehe-demo"  # noqa: S105 - printed for local trials only

DEMO_PEOPLE = [
    ("Admin", "unspecified", [Role.ORGADMIN]),
    ("Mira", Perspective.AFFECTED, []),
    ("Jonas", Perspective.AFFECTED, []),
    ("Helga", Perspective.RELATIVE, []),
    ("Sam", Perspective.AFFECTED, [Role.PEER]),
    ("Ayse", Perspective.AFFECTED, [Role.PEER]),
    ("DrKrause", "unspecified", [Role.PROFESSIONAL]),
    ("Lena", Perspective.AFFECTED, [Role.MODERATOR]),
]


def create_demo_accounts(write) -> None:
    for pseudonym, perspective, roles in DEMO_PEOPLE:
        user = User.objects.filter(pseudonym__iexact=pseudonym).first()
        if user is None:
            # Staff-like demo names would fail the public validator; create directly.
            user = User(pseudonym=pseudonym, perspective=perspective)
            user.set_password(DEMO_PASSWORD)
            user.save()
        for role in roles:
            actions.grant_role(user, role)
        if Role.PEER in roles:
            actions.verify_peer_certificate(user, verified_by=None, issuer="EX-IN Deutschland")
    admin = User.objects.get(pseudonym="Admin")
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    write(
        "Demo accounts: "
        + ", ".join(p for p, _, _ in DEMO_PEOPLE)
        + f" (password: {DEMO_PASSWORD}; Admin can open /verwaltung/)"
    )
