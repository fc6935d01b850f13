"""The versioned JSON API under /api/v1/; each app contributes a router."""

from __future__ import annotations

from ninja import NinjaAPI

from augenhoehe.accounts.api import router as accounts_router
from augenhoehe.accounts.auth import api_auth
from augenhoehe.chat.api import router as chat_router
from augenhoehe.conversations.api import router as conversations_router
from augenhoehe.core.lib.http import install_error_handlers
from augenhoehe.groups.api import router as groups_router
from augenhoehe.safety.api import router as safety_router

api = NinjaAPI(
    title="Augenhöhe API",
    version="1",
    description='Peer support platform API. Errors: {"detail": ..., "errors"?: {...}}.',
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url=None,  # the interactive docs would load a CDN; the schema is enough
    auth=api_auth,
)
install_error_handlers(api)
api.add_router("", accounts_router)
api.add_router("", safety_router)
api.add_router("", chat_router)
api.add_router("", groups_router)
api.add_router("", conversations_router)
