from django.urls import path

from . import views

app_name = "indicators"
urlpatterns = [
    path("", views.indicator_list, name="list"),
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/actuals/", views.actual_submit, name="actual_submit"),
    path("<int:pk>/targets/", views.target_set, name="target_set"),
    path("<int:pk>/template.xlsx", views.actuals_template, name="template"),
    path("<int:pk>/import/", views.actuals_import, name="import"),
]
