from django.urls import path

from augenhoehe.accounts import views

app_name = "accounts"
urlpatterns = [
    path("registrieren/", views.register, name="register"),
    path("registrieren/vorschlag/", views.suggest, name="suggest"),
    path("anmelden/", views.login_view, name="login"),
    path("abmelden/", views.logout_view, name="logout"),
    path("profil/", views.profile, name="profile"),
    path("profil/loeschen/", views.delete_account, name="delete"),
    path("profil/daten.json", views.export, name="export"),
]
