"""WebSocket routing: the one consumer behind /ws/ (docs/protocol.md)."""

from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from augenhoehe.accounts.ws_auth import TokenOrSessionAuthMiddlewareStack
from augenhoehe.chat.consumers import ChatConsumer

websocket_urlpatterns = [path("ws/", ChatConsumer.as_asgi())]

websocket_application = AllowedHostsOriginValidator(
    TokenOrSessionAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
)
