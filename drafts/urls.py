from django.urls import path

from . import views

app_name = "drafts"

R = "texts/<slug:slug>/revisions/<int:number>/"

urlpatterns = [
    path("processes/<slug:slug>/texts/", views.text_list, name="list"),
    path("texts/<slug:slug>/", views.text_detail, name="text"),
    path("texts/<slug:slug>/import/", views.import_revision, name="import"),
    path("texts/<slug:slug>/status/", views.publish_text, name="publish"),
    path("texts/<slug:slug>/diff/<int:a>/<int:b>/", views.diff, name="diff"),
    path(R, views.revision_detail, name="revision"),
    path(R + "export.<str:fmt>", views.revision_export, name="export"),
    path(R + "deadline/", views.revision_deadline, name="deadline"),
    path(R + "languages/", views.add_language, name="add_language"),
    path(R + "submissions/new/", views.submission_create, name="submission_create"),
    path(R + "moderation/", views.moderation, name="moderation"),
    path(R + "compilation/", views.compilation, name="compilation"),
    path(R + "compilation.<str:fmt>", views.compilation_export, name="compilation_export"),
    path(R + "influence/", views.influence, name="influence"),
    path("submissions/<str:public_id>/", views.submission_detail, name="submission"),
    path("submissions/<str:public_id>/edit/", views.submission_edit, name="submission_edit"),
    path("submissions/<str:public_id>/attachment/", views.attachment, name="attachment"),
    path("submissions/<str:public_id>/<str:step>/", views.submission_step, name="submission_step"),
]
