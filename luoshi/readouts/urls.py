from django.urls import path

from . import views

app_name = "readouts"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.draft_edit, name="draft"),
    path("<int:pk>/export.xlsx", views.draft_export, name="export"),
    path("<int:pk>/delete/", views.draft_discard, name="delete"),
]
