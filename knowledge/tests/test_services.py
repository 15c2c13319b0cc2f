"""The rules of contributing, changing and moderating records, and what each step leaves: the
state, the versions, the audit entries, the contributor's e-mail."""

import pytest
from django.core import mail

from core.models import AuditEntry
from knowledge import services
from knowledge.content import content_of
from knowledge.exceptions import (
    EditPending,
    InvalidDocument,
    InvalidRecord,
    NotAContributor,
    NothingChanged,
    NotPending,
    OwnContribution,
    ReasonRequired,
    RecordWithdrawn,
)
from knowledge.models import EvidenceDocument, Record, RecordVersion, SearchEntry
from tests.access import audited
from tests.builders import knowledge_content, make_record, make_user

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db(transaction=False)


def contribute(people, who="rep", **overrides):
    return services.contribute_record(
        actor=people[who],
        content=knowledge_content(people["lead"], **overrides),
        process=people["process"],
        organisation=people["org"] if who == "rep" else None,
    )


def test_a_stakeholders_record_waits_for_moderation_and_is_not_searchable(
    people, django_capture_on_commit_callbacks
):
    with audited("knowledge.record.contributed"), django_capture_on_commit_callbacks(execute=True):
        record = contribute(people)
    assert record.state == "pending"
    assert record.versions.get().state == "pending"
    assert not SearchEntry.objects.filter(record=record).exists()
    assert mail.outbox[-1].to == ["rep@example.org"]
    assert "Moderators will review it" in mail.outbox[-1].body


def test_the_secretariats_record_is_published_at_once(people):
    with audited("knowledge.record.published"):
        record = contribute(people, who="staff")
    assert record.state == "published" and record.published_at is not None
    assert record.versions.get().state == "accepted"
    assert SearchEntry.objects.filter(record=record).exists()


def test_another_processs_secretariat_is_moderated_like_anyone(people):
    other_staff = make_user(
        "other.staff@example.org", role="secretariat", process=people["other_process"]
    )
    record = services.contribute_record(
        actor=other_staff, content=knowledge_content(people["lead"]), process=people["process"]
    )
    assert record.state == "pending"


def test_someone_of_no_organisation_may_not_contribute(people):
    loner = make_user("loner@example.org")
    with pytest.raises(NotAContributor):
        services.contribute_record(actor=loner, content=knowledge_content(people["lead"]))
    assert not Record.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"actors": [{"organisation": "nosuchorgxxx", "role": "lead"}]}, "actors"),
        ({"actors": []}, "actors"),
        ({"actors": [{"organisation": "x", "role": "overlord"}]}, "actors"),
        ({"countries": ["XX"]}, "countries"),
        ({"started_in": 2020, "ended_in": 2019}, "ended_in"),
        ({"started_in": "twenty"}, "started_in"),
        ({"title": "Two\nlines"}, "title"),
        ({"summary": "nul \x00 here"}, "summary"),
        ({"summary": ""}, "summary"),
        ({"links": [{"url": "javascript:alert(1)", "label": "x"}]}, "links"),
        ({"areas": ["no-such-area"]}, "areas"),
        ({"articles": [999999]}, "articles"),
        ({"record_type": "manifesto"}, "record_type"),
        ({"licence": "all-rights-reserved"}, "licence"),
    ],
)
def test_bad_content_is_refused_field_by_field_and_nothing_is_stored(people, overrides, field):
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidRecord) as refused:
        contribute(people, **overrides)
    assert field in refused.value.errors
    assert not Record.objects.exists()
    assert AuditEntry.objects.count() == before


def test_regions_follow_the_countries(people):
    record = contribute(people, countries=["KE", "br"], regions=["weog"])
    assert record.regions == ["african", "grulac", "weog"]
    assert sorted(str(c) for c in record.countries) == ["BR", "KE"]


def test_member_states_are_actors_like_any_organisation(people):
    actors = [
        {"organisation": people["lead"].public_id, "role": "lead"},
        {"organisation": people["state"].public_id, "role": "funder"},
    ]
    record = contribute(people, who="staff", actors=actors)
    assert [(a.organisation.kind, a.role) for a in record.actors.all()] == [
        ("igo", "lead"),
        ("state", "funder"),
    ]


def test_publishing_applies_the_version_tells_the_contributor_and_indexes(
    people, django_capture_on_commit_callbacks
):
    record = contribute(people)
    version = record.versions.get()
    mail.outbox.clear()
    with audited("knowledge.version.published"), django_capture_on_commit_callbacks(execute=True):
        services.publish_version(version, actor=people["moderator"])
    record.refresh_from_db()
    assert record.state == "published"
    assert SearchEntry.objects.filter(record=record).exists()
    assert mail.outbox and mail.outbox[0].to == ["rep@example.org"]


def test_a_moderator_cannot_publish_their_own_contribution(people):
    moderator = people["moderator"]
    moderator_org_member = make_user(
        "modrep@example.org", role="moderator", process=people["process"]
    )
    from tests.builders import make_organisation

    make_organisation(moderator_org_member, name="Moderators' Own NGO")
    record = services.contribute_record(
        actor=moderator_org_member,
        content=knowledge_content(people["lead"]),
        process=people["process"],
    )
    with pytest.raises(OwnContribution):
        services.publish_version(record.versions.get(), actor=moderator_org_member)
    services.publish_version(record.versions.get(), actor=moderator)


def test_refusing_needs_a_reason_which_the_contributor_is_told(
    people, django_capture_on_commit_callbacks
):
    record = contribute(people)
    version = record.versions.get()
    with pytest.raises(ReasonRequired):
        services.reject_version(version, actor=people["moderator"], reason="  ")
    mail.outbox.clear()
    with audited("knowledge.version.rejected"), django_capture_on_commit_callbacks(execute=True):
        services.reject_version(version, actor=people["moderator"], reason="No source is given.")
    record.refresh_from_db()
    assert record.state == "rejected"
    assert "No source is given." in mail.outbox[0].body
    with pytest.raises(NotPending):
        services.publish_version(version, actor=people["moderator"])


def test_a_refused_record_can_be_changed_and_sent_again(people):
    record = contribute(people)
    services.reject_version(
        record.versions.get(), actor=people["moderator"], reason="Add a source."
    )
    content = {
        **content_of(record),
        "links": [{"url": "https://example.org/src", "label": "Source"}],
    }
    version = services.propose_change(record, actor=people["rep"], content=content)
    record.refresh_from_db()
    assert (version.number, version.state, record.state) == (2, "pending", "pending")
    assert record.links[0]["url"] == "https://example.org/src"


def test_a_change_to_a_published_record_waits_while_the_published_version_stays(people):
    record = contribute(people)
    services.publish_version(record.versions.get(), actor=people["moderator"])
    content = {**content_of(record), "title": "A better title"}
    with audited("knowledge.version.proposed"):
        version = services.propose_change(record, actor=people["rep"], content=content, note="Typo")
    record.refresh_from_db()
    assert version.state == "pending" and version.changed == ["title"]
    assert record.title != "A better title"
    with pytest.raises(EditPending):
        services.propose_change(record, actor=people["rep"], content=content)
    services.publish_version(version, actor=people["moderator"])
    record.refresh_from_db()
    assert record.title == "A better title" and record.version == 2
    assert SearchEntry.objects.get(record=record).title == "A better title"
    assert list(record.versions.values_list("number", "state")) == [
        (2, "accepted"),
        (1, "accepted"),
    ]


def test_the_secretariats_change_is_published_at_once_and_audited(people):
    record = contribute(people, who="staff")
    content = {**content_of(record), "sector": "finance"}
    with audited("knowledge.record.changed"):
        version = services.propose_change(record, actor=people["staff"], content=content)
    record.refresh_from_db()
    assert version.state == "accepted" and record.sector == "finance"


def test_a_change_that_changes_nothing_is_refused(people):
    record = contribute(people, who="staff")
    with pytest.raises(NothingChanged):
        services.propose_change(record, actor=people["staff"], content=content_of(record))
    assert record.versions.count() == 1


def test_a_withdrawn_record_leaves_search_keeps_its_versions_and_cannot_change(people):
    record = contribute(people)
    services.publish_version(record.versions.get(), actor=people["moderator"])
    with pytest.raises(ReasonRequired):
        services.withdraw_record(record, actor=people["moderator"], reason="")
    with audited("knowledge.record.withdrawn"):
        services.withdraw_record(record, actor=people["moderator"], reason="Duplicate.")
    record.refresh_from_db()
    assert record.state == "withdrawn" and record.withdrawn_reason == "Duplicate."
    assert not SearchEntry.objects.filter(record=record).exists()
    assert record.versions.count() == 1
    with pytest.raises(RecordWithdrawn):
        services.propose_change(
            record, actor=people["rep"], content={**content_of(record), "title": "x"}
        )


def test_a_pdf_is_checked_by_content_kept_and_shown_once_published(people):
    record = services.contribute_record(
        actor=people["rep"],
        content=knowledge_content(people["lead"]),
        process=people["process"],
        upload=pdf_upload(),
    )
    document = record.documents.get()
    assert record.versions.get().content["documents"] == [document.public_id]
    assert not Record.objects.published().filter(pk=record.pk).exists()
    services.publish_version(record.versions.get(), actor=people["moderator"])
    document.refresh_from_db()
    assert document.shown and document.original_name == "evidence.pdf"


@pytest.mark.parametrize(
    "upload",
    [
        lambda: pdf_upload(script=True),
        lambda: pdf_upload("notes.pdf.exe").__class__("x.pdf", b"MZ not a pdf"),
        lambda: pdf_upload().__class__("x.pdf", b"%PDF-1.7 broken"),
    ],
    ids=["script", "not-a-pdf", "damaged"],
)
def test_a_pdf_with_active_content_or_not_a_pdf_is_refused_and_nothing_stored(people, upload):
    with pytest.raises(InvalidDocument):
        services.contribute_record(
            actor=people["rep"], content=knowledge_content(people["lead"]), upload=upload()
        )
    assert not Record.objects.exists() and not EvidenceDocument.objects.exists()


def test_a_pdf_added_by_the_secretariat_is_a_change_published_at_once(people):
    record = make_record(people["staff"], people["lead"], process=people["process"])
    version = services.add_evidence(record, actor=people["staff"], upload=pdf_upload())
    assert version.state == "accepted" and "documents" in version.changed
    assert record.documents.get().shown


def test_every_step_names_the_record_and_its_process_in_the_audit_log(people):
    record = contribute(people)
    services.publish_version(record.versions.get(), actor=people["moderator"])
    entries = AuditEntry.objects.filter(object_type="knowledge.record", object_id=str(record.pk))
    assert set(entries.values_list("action", flat=True)) == {
        "knowledge.record.contributed",
        "knowledge.version.published",
    }
    assert set(entries.values_list("process_id", flat=True)) == {people["process"].pk}
    assert RecordVersion.objects.filter(record=record).count() == 1
