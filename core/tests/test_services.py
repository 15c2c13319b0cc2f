import pytest
from django.core.exceptions import ValidationError

from core.exceptions import InvalidPredecessor
from core.models import AuditEntry, Process
from core.services import create_process, update_process
from tests.builders import make_process


@pytest.mark.django_db
def test_creating_a_process_writes_the_audit_log(platform_secretariat):
    process = create_process(
        actor=platform_secretariat, slug="p1", name="P1", convening_body="GA", status="active"
    )
    entry = AuditEntry.objects.get(action="core.process.created")
    assert entry.actor == platform_secretariat
    assert entry.object_id == str(process.pk)
    assert entry.process == process
    assert entry.data["slug"] == "p1"


@pytest.mark.django_db
def test_a_process_cannot_follow_itself_through_a_chain():
    first = make_process(slug="first")
    second = make_process(slug="second", predecessor=first)
    with pytest.raises(InvalidPredecessor):
        update_process(first, actor=None, predecessor=second)
    first.refresh_from_db()
    assert first.predecessor is None


@pytest.mark.django_db
def test_update_records_what_changed_before_and_after():
    process = make_process(slug="p1", status="draft")
    update_process(process, actor=None, status="active", description="New text")
    entry = AuditEntry.objects.get(action="core.process.updated")
    assert entry.data["changes"]["status"] == ["draft", "active"]
    assert "description" in entry.data["changes"]


@pytest.mark.django_db
def test_an_update_that_changes_nothing_writes_no_entry():
    process = make_process(slug="p1")
    update_process(process, actor=None, name=process.name)
    assert not AuditEntry.objects.filter(action="core.process.updated").exists()


@pytest.mark.django_db
def test_invalid_data_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationError):
        create_process(actor=None, slug="bad slug!", name="X", convening_body="GA")
    assert not Process.objects.exists()
    assert not AuditEntry.objects.exists()
