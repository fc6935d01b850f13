from django.urls import path

from augenhoehe.conversations import views, views_peer

app_name = "conversations"
urlpatterns = [
    path("", views.home, name="home"),
    path("anfrage/", views.ask, name="ask"),
    path("anfrage/<int:request_id>/", views.waiting, name="waiting"),
    path("anfrage/<int:request_id>/zurueckziehen/", views.cancel, name="cancel"),
    path("<int:conversation_id>/", views.conversation, name="conversation"),
    path("<int:conversation_id>/senden/", views.send, name="send"),
    path(
        "<int:conversation_id>/senden/<int:seq>/loeschen/",
        views.delete_own_message,
        name="delete_message",
    ),
    path("<int:conversation_id>/beenden/", views.end, name="end"),
    path("<int:conversation_id>/rueckmeldung/", views.feedback, name="feedback"),
    path("<int:conversation_id>/loeschen/", views.delete, name="delete"),
    path("<int:conversation_id>/uebergeben/", views.handover, name="handover"),
    path("<int:conversation_id>/nachbesprechung/", views.debrief, name="debrief"),
    path("warteraum/", views_peer.waiting_room, name="waiting_room"),
    path("warteraum/<int:request_id>/annehmen/", views_peer.accept, name="accept"),
    path("verfuegbarkeit/", views_peer.availability, name="availability"),
    path("peer-profil/", views_peer.peer_profile, name="peer_profile"),
    path("fachdienst/", views_peer.staff, name="staff"),
    path("fachdienst/dienst/", views_peer.on_duty, name="on_duty"),
]
