from django.urls import path

from . import views

app_name = "drafts"

urlpatterns = [
    path("processes/<slug:slug>/texts/", views.text_list, name="list"),
    path("texts/<slug:slug>/", views.text_detail, name="text"),
    path("texts/<slug:slug>/import/", views.import_revision, name="import"),
    path("texts/<slug:slug>/revisions/<int:number>/", views.revision_detail, name="revision"),
]
