from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.home, name="home"),
    path("<str:code>/", views.unit_dashboard, name="unit"),
    path("<str:code>/geo.json", views.unit_geo, name="geo"),
    path("<str:code>/export/<str:table>.xlsx", views.unit_export, name="export"),
]
