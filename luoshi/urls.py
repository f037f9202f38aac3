from django.urls import include, path

from luoshi.api.api import api
from luoshi.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.health, name="health"),
    path("calendar/", core_views.calendar_days, name="calendar"),
    path("accounts/", include("luoshi.accounts.urls")),
    path("units/", include("luoshi.units.urls")),
    path("audit/", include("luoshi.audit.urls")),
    path("work/", include("luoshi.tasks.urls")),
    path("readouts/", include("luoshi.readouts.urls")),
    path("indicators/", include("luoshi.indicators.urls")),
    path("dashboard/", include("luoshi.dashboard.urls")),
    path("ledgers/", include("luoshi.ledgers.urls")),
    path("inspections/", include("luoshi.inspections.urls")),
    path("supervision/", include("luoshi.supervision.urls")),
    path("assessment/", include("luoshi.assessment.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
