from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("", views.ledger_list, name="list"),
    path("new/", views.ledger_create, name="create"),
    path("alerts/", views.alert_list, name="alerts"),
    path("verifications/", views.verification_list, name="verifications"),
    path("verifications/<int:pk>/decide/", views.verification_decide, name="decide"),
    path("burden/", views.burden_meter, name="burden"),
    path("<int:pk>/", views.ledger_detail, name="detail"),
    path("<int:pk>/edit/", views.ledger_edit, name="edit"),
    path("<int:pk>/export/", views.ledger_export, name="export"),
    path("<int:pk>/units/<str:code>/", views.grid, name="grid"),
    path("<int:pk>/units/<str:code>/rows/", views.row_add, name="row_add"),
    path("<int:pk>/units/<str:code>/download/", views.download, name="download"),
    path("<int:pk>/units/<str:code>/upload/", views.upload, name="upload"),
    path("rows/<int:pk>/", views.row_history, name="history"),
    path("rows/<int:pk>/line/", views.row_view, name="row"),
    path("rows/<int:pk>/edit/", views.row_edit, name="row_edit"),
    path("rows/<int:pk>/remove/", views.row_remove, name="row_remove"),
    path("uploads/<int:pk>/report/", views.upload_report, name="upload_report"),
]
