import pytest

from reports import demo
from reports.models import Report
from reports.tests.test_services import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_demo_publishes_one_checked_report_once(world):  # noqa: F811
    lines = demo.load(actor=world["staff"])
    assert lines and "/reports/" in lines[0]
    report = Report.objects.get(title=demo.TITLE)
    assert report.status == "published"
    assert report.blocks.get(kind="consultation_quote").snapshot["quote"].startswith("Public")
    assert demo.load(actor=world["staff"]) == []
