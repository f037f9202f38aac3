from django.urls import path

from . import views

app_name = "tasks"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("sources/", views.source_list, name="source_list"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("sources/<int:pk>/export.xlsx", views.source_export, name="source_export"),
    path("sources/<int:pk>/import/", views.source_import, name="source_import"),
    path("sources/<int:pk>/relay/", views.source_relay, name="source_relay"),
    path("sources/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="task_assign"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
    path("assignments/<int:pk>/decompose/", views.assignment_decompose, name="assignment_decompose"),
    path("assignments/<int:pk>/report/", views.report_create, name="report_create"),
    path("reports/<int:pk>/review/", views.report_review_view, name="report_review"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
