from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("processes/", views.process_list, name="process_list"),
    path("processes/new/", views.process_create, name="process_create"),
    path("processes/<slug:slug>/", views.process_detail, name="process_detail"),
    path("processes/<slug:slug>/edit/", views.process_edit, name="process_edit"),
    path("audit/", views.audit_log, name="audit_log"),
]
