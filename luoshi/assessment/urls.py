from django.urls import path

from . import views

app_name = "assessment"
urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("new/", views.scheme_create, name="create"),
    path("<int:pk>/", views.scheme_detail, name="scheme"),
    path("<int:pk>/criteria/", views.criterion_add, name="criterion_add"),
    path("<int:pk>/criteria/<int:item_id>/remove/", views.criterion_remove, name="criterion_remove"),
    path("<int:pk>/adjustments/", views.adjustment_add, name="adjustment_add"),
    path(
        "<int:pk>/adjustments/<int:item_id>/withdraw/", views.adjustment_withdraw, name="adjustment_withdraw"
    ),
    path("<int:pk>/visibility/", views.scheme_visibility, name="visibility"),
    path("<int:pk>/compute/", views.run_compute, name="compute"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", views.run_publish, name="publish"),
    path("runs/<int:pk>/units/<str:code>/", views.explanation, name="explanation"),
    path("runs/<int:pk>/ranking.xlsx", views.run_export, name="export"),
]
