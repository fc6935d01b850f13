import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Augenhöhe (HTTP and WebSockets) with uvicorn."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--reload", action="store_true", help="Restart on code changes.")
        parser.add_argument(
            "--proxy-headers", action="store_true", help="Trust X-Forwarded-* from the proxy."
        )

    def handle(self, *args, host, port, reload, proxy_headers, **options):
        import uvicorn

        self.stdout.write(f"Augenhöhe is running on http://{host}:{port}/ (Ctrl+C stops it)")
        uvicorn.run(
            "augenhoehe.asgi:application",
            host=host,
            port=port,
            reload=reload,
            proxy_headers=proxy_headers,
            forwarded_allow_ips="*" if proxy_headers else None,
            ws_max_size=64 * 1024,
            # Compression would encode every frame again per socket; chat frames are small.
            ws_per_message_deflate=False,
            ws_ping_interval=20,
            ws_ping_timeout=20,
            access_log=False,  # no IP addresses in logs
            log_level=os.environ.get("LOG_LEVEL", "info").lower(),
            lifespan="off",
        )
