from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/data/", views.personal_data, name="personal_data"),
    path("accounts/profile/data.json", views.personal_data_download, name="personal_data_download"),
    path("accounts/profile/delete/", views.delete_account, name="delete_account"),
    path("accounts/profile/tokens/", views.create_token, name="create_token"),
    path("accounts/profile/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("processes/<slug:slug>/roles/", views.process_roles, name="process_roles"),
    path(
        "processes/<slug:slug>/roles/<int:grant_id>/revoke/",
        views.revoke_process_role,
        name="revoke_process_role",
    ),
]
