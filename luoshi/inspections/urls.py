from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("checklists/new/", views.checklist_create, name="checklist_create"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/send/", views.checklist_send, name="checklist_send"),
    path("self-checks/<int:pk>/", views.selfcheck_detail, name="selfcheck_detail"),
    path("self-checks/<int:pk>/problem/", views.selfcheck_finding, name="selfcheck_finding"),
    path("draws/new/", views.draw_create, name="draw_create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw_detail"),
    path("draws/<int:pk>/record.json", views.draw_record, name="draw_record"),
    path("visits/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("problems/", views.finding_list, name="finding_list"),
    path("problems/export.xlsx", views.finding_export, name="finding_export"),
    path("problems/new/", views.finding_create, name="finding_create"),
    path("problems/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("problems/<int:pk>/issue/", views.finding_issue, name="finding_issue"),
    path("problems/<int:pk>/measures/", views.finding_measures, name="finding_measures"),
    path("problems/<int:pk>/close/", views.finding_close, name="finding_close"),
    path("problems/<int:pk>/reopen/", views.finding_reopen, name="finding_reopen"),
]
