from django.urls import path

from . import views

app_name = "consultations"

urlpatterns = [
    path("processes/<slug:slug>/consultations/", views.consultation_list, name="list"),
    path("processes/<slug:slug>/consultations/new/", views.consultation_create, name="create"),
    path("consultations/<slug:slug>/", views.consultation_detail, name="detail"),
    path("consultations/<slug:slug>/check/", views.consultation_check, name="check"),
    path("consultations/<slug:slug>/edit/", views.consultation_edit, name="edit"),
    path("consultations/<slug:slug>/status/", views.consultation_status, name="status"),
    path("consultations/<slug:slug>/form/", views.form_download, name="form_download"),
    path("consultations/<slug:slug>/receipt/", views.receipt, name="receipt"),
    path("consultations/<slug:slug>/results/", views.results, name="results"),
    path("consultations/<slug:slug>/responses/", views.responses, name="responses"),
    path("consultations/<slug:slug>/export/", views.export, name="export"),
    path("consultations/<slug:slug>/exports/<int:pk>/", views.export_job, name="export_job"),
    path(
        "consultations/<slug:slug>/files/<str:name>/",
        views.attachment_download,
        name="attachment",
    ),
]
