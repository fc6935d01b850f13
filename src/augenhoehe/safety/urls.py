from django.urls import path

from augenhoehe.safety import views

app_name = "safety"
urlpatterns = [
    path("hilfe/", views.crisis_page, name="crisis"),
]
