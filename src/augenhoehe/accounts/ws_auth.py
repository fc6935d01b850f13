"""WebSocket authentication: a bearer token header (API clients) or the session (browsers)."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.contrib.auth.models import AnonymousUser

from augenhoehe.accounts.actions import user_for_token


class BearerTokenMiddleware(BaseMiddleware):
    async def __call__(self, scope, receive, send):
        token = None
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                scheme, _, credential = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and credential:
                    token = credential.strip()
                break
        if token is not None:
            user = await database_sync_to_async(user_for_token)(token)
            scope = dict(scope, user=user or AnonymousUser(), auth_method="token")
        return await super().__call__(scope, receive, send)


class _SkipSessionIfTokenUser(BaseMiddleware):
    """Runs the session stack only when no bearer token was given."""

    def __init__(self, inner):
        super().__init__(inner)
        self.session_stack = AuthMiddlewareStack(inner)

    async def __call__(self, scope, receive, send):
        if scope.get("auth_method") == "token":
            return await self.inner(scope, receive, send)
        return await self.session_stack(scope, receive, send)


def TokenOrSessionAuthMiddlewareStack(inner):  # noqa: N802 - mirrors Channels' naming
    return BearerTokenMiddleware(_SkipSessionIfTokenUser(inner))
