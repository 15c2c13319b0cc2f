from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("processes/<slug:slug>/deliberations/", views.deliberation_list, name="list"),
    path("processes/<slug:slug>/deliberations/new/", views.deliberation_create, name="create"),
    path("deliberations/<slug:slug>/", views.deliberation_detail, name="detail"),
    path("deliberations/<slug:slug>/vote/", views.vote, name="vote"),
    path("deliberations/<slug:slug>/statements/", views.statement_add, name="statement_add"),
    path("deliberations/<slug:slug>/map/", views.opinion_map, name="map"),
    path("deliberations/<slug:slug>/moderate/", views.moderate, name="moderate"),
    path("deliberations/<slug:slug>/status/", views.deliberation_status, name="status"),
    path("deliberations/<slug:slug>/export/<str:name>.csv", views.export, name="export"),
    path("consultations/<slug:slug>/campaigns/", views.campaigns, name="campaigns"),
    path("consultations/<slug:slug>/themes/", views.theme_runs, name="theme_runs"),
    path("consultations/<slug:slug>/themes/<int:pk>/", views.theme_run, name="theme_run"),
    path(
        "texts/<slug:slug>/revisions/<int:number>/themes/",
        views.revision_theme_runs,
        name="revision_theme_runs",
    ),
    path(
        "texts/<slug:slug>/revisions/<int:number>/themes/<int:pk>/",
        views.revision_theme_run,
        name="revision_theme_run",
    ),
    path(
        "deliberations/<slug:slug>/themes/",
        views.deliberation_theme_runs,
        name="deliberation_theme_runs",
    ),
    path(
        "deliberations/<slug:slug>/themes/<int:pk>/",
        views.deliberation_theme_run,
        name="deliberation_theme_run",
    ),
]
