from django.urls import path

from augenhoehe.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("impressum/", views.imprint, name="imprint"),
    path("rezepte/apfelkuchen/", views.neutral, name="neutral"),
    path("sprache/", views.set_language, name="set_language"),
]
