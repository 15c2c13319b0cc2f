from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("processes/<slug:slug>/reports/", views.drafts, name="drafts"),
    path("reports/<int:pk>/compose/", views.compose, name="compose"),
    path("reports/<int:pk>/blocks/add/", views.add_block, name="add_block"),
    path("reports/<int:pk>/blocks/move/", views.move_block, name="move_block"),
    path("reports/<int:pk>/blocks/remove/", views.remove_block, name="remove_block"),
    path("reports/<int:pk>/publish/", views.publish, name="publish"),
]
