from django.urls import path

from . import views

app_name = "stakeholders"

urlpatterns = [
    path("organisations/", views.directory, name="directory"),
    path("organisations/export.<str:fmt>", views.directory_export, name="directory_export"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<slug:public_id>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<slug:public_id>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<slug:public_id>/people/", views.people, name="people"),
    path(
        "organisations/<slug:public_id>/people/<int:membership_id>/remove/",
        views.remove_person,
        name="remove_person",
    ),
    path(
        "organisations/<slug:public_id>/people/<int:membership_id>/protection/",
        views.protect_person,
        name="protect_person",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("thematic-areas/", views.thematic_areas, name="thematic_areas"),
    path("processes/<slug:slug>/accreditation/", views.accreditation, name="accreditation"),
    path(
        "processes/<slug:slug>/accreditation/accredited.<str:fmt>",
        views.accredited_export,
        name="accredited_export",
    ),
    path(
        "processes/<slug:slug>/accreditation/settings/",
        views.accreditation_settings,
        name="accreditation_settings",
    ),
    path("processes/<slug:slug>/accreditation/carry-over/", views.carry_over, name="carry_over"),
    path("processes/<slug:slug>/applications/", views.applications, name="applications"),
    path("processes/<slug:slug>/applications/new/", views.apply, name="apply"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/documents/", views.upload_document, name="upload_document"),
    path(
        "applications/<int:pk>/documents/<int:document_id>/",
        views.download_document,
        name="download_document",
    ),
    path(
        "applications/<int:pk>/documents/<int:document_id>/remove/",
        views.remove_document,
        name="remove_document",
    ),
    path("applications/<int:pk>/objections/", views.object_to, name="object"),
    path(
        "applications/<int:pk>/<str:action>/", views.application_action, name="application_action"
    ),
    path(
        "objections/<slug:public_id>/withdraw/", views.withdraw_objection, name="withdraw_objection"
    ),
]
