from django.urls import path

from augenhoehe.safety import views

app_name = "safety"
urlpatterns = [
    path("hilfe/", views.crisis_page, name="crisis"),
    path("hilfe/jetzt/", views.talk_now, name="talk_now"),
    path("hilfe/warum/<int:flag_id>/", views.why, name="why"),
    path("krisenhinweise/", views.alert_list, name="alerts"),
    path("krisenhinweise/<int:alert_id>/", views.alert_detail, name="alert"),
]
