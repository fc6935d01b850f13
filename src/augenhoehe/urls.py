from django.contrib import admin
from django.urls import include, path

from augenhoehe.api import api

admin.site.site_header = "Augenhöhe"
admin.site.site_title = "Augenhöhe"

urlpatterns = [
    path("", include("augenhoehe.core.urls")),
    path("", include("augenhoehe.safety.urls")),
    path("konto/", include("augenhoehe.accounts.urls")),
    path("gruppen/", include("augenhoehe.groups.urls")),
    path("gespraeche/", include("augenhoehe.conversations.urls")),
    path("api/v1/", api.urls),
    path("verwaltung/", admin.site.urls),
]
