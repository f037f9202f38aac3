from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("notices/", views.notice_list, name="notice_list"),
    path("assignments/<int:pk>/notice/", views.notice_create, name="notice_create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("notices/<int:pk>/reply/", views.notice_reply, name="notice_reply"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice_close"),
    path("accountability/", views.accountability_list, name="accountability_list"),
    path("accountability/new/", views.accountability_create, name="accountability_create"),
    path("liaisons/", views.liaison_list, name="liaison_list"),
    path("liaisons/<int:pk>/delete/", views.liaison_delete, name="liaison_delete"),
    path("leader/", views.leader, name="leader"),
    path("channels/", views.channels, name="channels"),
    path("channels/<int:pk>/delete/", views.channel_delete, name="channel_delete"),
    path("record/<str:code>/", views.record, name="record"),
    path("record/<str:code>/person/", views.person_record, name="person_record"),
]
