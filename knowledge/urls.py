from django.urls import path, re_path

from . import views

app_name = "knowledge"

# Records are named by their random public id (12 letters and digits), never their key.
RECORD = r"^knowledge/(?P<public_id>[0-9a-z]{12})/"

urlpatterns = [
    path("knowledge/", views.search, name="search"),
    path("knowledge/new/", views.contribute, name="contribute"),
    path("knowledge/mine/", views.contributions, name="contributions"),
    path("knowledge/moderation/", views.moderation_queue, name="moderation"),
    path("knowledge/open-data.<str:fmt>", views.open_data, name="open_data"),
    path("processes/<slug:slug>/knowledge/", views.process_search, name="process"),
    re_path(RECORD + "$", views.record_detail, name="detail"),
    re_path(RECORD + "edit/$", views.record_edit, name="edit"),
    re_path(RECORD + "versions/$", views.record_versions, name="versions"),
    re_path(RECORD + r"versions/(?P<number>[0-9]{1,9})/$", views.moderate, name="version"),
    re_path(RECORD + "withdraw/$", views.record_withdraw, name="withdraw"),
    re_path(RECORD + r"documents/(?P<document_id>[0-9a-z]{12})/$", views.document, name="document"),
]
