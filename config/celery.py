"""The Celery application. With no broker configured, tasks run inline (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("consulta")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
