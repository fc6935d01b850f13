from django.urls import path

from augenhoehe.groups import views

app_name = "groups"
urlpatterns = [
    path("", views.group_list, name="list"),
    path("neu/", views.new_group, name="new"),  # before the slug pattern (reserved slug)
    path("<slug:slug>/", views.group_detail, name="detail"),
    path("<slug:slug>/beitreten/", views.join, name="join"),
    path("<slug:slug>/verlassen/", views.leave, name="leave"),
    path("<slug:slug>/nachricht/", views.send, name="send"),
    path("<slug:slug>/nachricht/<int:seq>/loeschen/", views.delete_message, name="delete_message"),
    path("<slug:slug>/nachricht/<int:seq>/ausblenden/", views.hide_message, name="hide_message"),
    path("<slug:slug>/mitglieder/<int:user_id>/aufnehmen/", views.approve, name="approve"),
    path("<slug:slug>/mitglieder/<int:user_id>/entfernen/", views.remove, name="remove"),
    path("<slug:slug>/regeln-anheften/", views.pin, name="pin"),
]
