from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("processes/<slug:slug>/events/", views.event_list, name="process_events"),
    path("processes/<slug:slug>/events/new/", views.event_create, name="create"),
    path("processes/<slug:slug>/calendar.ics", views.process_calendar, name="process_calendar"),
    path("processes/<slug:slug>/events/targets/", views.process_targets, name="process_targets"),
    path("series/<slug:slug>/targets/", views.series_targets, name="series_targets"),
    path("series/<slug:slug>/calendar.ics", views.series_calendar, name="series_calendar"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/event.ics", views.event_calendar, name="calendar"),
    path("events/<slug:slug>/edit/", views.event_edit, name="edit"),
    path("events/<slug:slug>/register/", views.register, name="register"),
    path("events/<slug:slug>/manage/", views.manage, name="manage"),
    path("events/<slug:slug>/swap/", views.swap, name="swap"),
    path("events/<slug:slug>/speakers/", views.add_speaker, name="add_speaker"),
    path(
        "events/<slug:slug>/speakers/<int:speaker_id>/remove/",
        views.remove_speaker,
        name="remove_speaker",
    ),
    path("events/<slug:slug>/outcome/", views.outcome, name="outcome"),
    path("events/<slug:slug>/targets/", views.targets, name="targets"),
    path("events/<slug:slug>/check-in/<str:token>/", views.check_in, name="check_in"),
    path("registrations/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("registrations/<int:pk>/qr.svg", views.qr_code, name="qr"),
    path(
        "registrations/<int:pk>/<str:action>/",
        views.registration_action,
        name="registration_action",
    ),
    path("agenda-items/<int:pk>/", views.agenda_item, name="agenda_item"),
    path("agenda-items/<int:pk>/action/", views.floor_action, name="floor_action"),
    path("agenda-items/<int:pk>/chair/", views.chair, name="chair"),
]
