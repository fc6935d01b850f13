from django.urls import path

from augenhoehe.conversations import views

app_name = "conversations"
urlpatterns = [
    path("", views.home, name="home"),
]
