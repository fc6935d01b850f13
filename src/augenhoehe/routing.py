"""WebSocket routing. The chat app provides the one consumer behind /ws/."""

from channels.routing import URLRouter
from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from augenhoehe.accounts.ws_auth import TokenOrSessionAuthMiddlewareStack

websocket_urlpatterns: list = []

try:
    from augenhoehe.chat.consumers import ChatConsumer
except ImportError:  # pragma: no cover - before the chat app exists
    ChatConsumer = None
if ChatConsumer is not None:
    websocket_urlpatterns.append(path("ws/", ChatConsumer.as_asgi()))

websocket_application = AllowedHostsOriginValidator(
    TokenOrSessionAuthMiddlewareStack(URLRouter(websocket_urlpatterns))
)
