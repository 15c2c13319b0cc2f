"""The audit log: every service that writes leaves its entry, and the audit page names people
under the protection rule."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.models import AuditEntry
from stakeholders import services
from stakeholders.models import Membership
from tests.access import audited
from tests.builders import make_application, make_organisation, make_process, make_user

pytestmark = pytest.mark.django_db


def pdf_upload():
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("statement.pdf", buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def admin(db):
    return make_user("admin@ngo.example")


@pytest.fixture
def organisation(admin):
    return make_organisation(admin, name="Open Net Watch", country="KE")


def circulated(process, organisation):
    return make_application(process, organisation, state="circulated")


# One entry per service ---------------------------------------------------------------------------


def test_registering_an_organisation_is_audited(admin):
    with audited("stakeholders.organisation.created"):
        make_organisation(admin, name="Audited Org")


def test_editing_an_organisation_is_audited(organisation, admin):
    with audited("stakeholders.organisation.updated", object_id=str(organisation.pk)):
        services.update_organisation(organisation, actor=admin, acronym="ONW")


def test_inviting_and_joining_are_audited(organisation, admin):
    person = make_user("joiner@ngo.example")
    tokens = []
    with audited("stakeholders.member.invited"):
        services.invite_member(
            organisation,
            actor=admin,
            email=person.email,
            role="representative",
            accept_url=lambda token: tokens.append(token) or token,
        )
    with audited("stakeholders.member.joined", actor=person):
        services.accept_invitation(tokens[0], actor=person)


def test_removing_a_member_is_audited(organisation, admin):
    person = make_user("leaver@ngo.example")
    membership = Membership.objects.create(organisation=organisation, user=person)
    with audited("stakeholders.member.removed"):
        services.remove_member(membership, actor=admin)


def test_protecting_a_person_is_audited(admin):
    with audited("stakeholders.person.protection_changed", object_id=str(admin.pk)):
        services.set_person_at_risk(admin, actor=admin, at_risk=True)


def test_the_vocabulary_is_audited(platform_secretariat):
    with audited("stakeholders.area.created"):
        area = services.create_thematic_area(
            actor=platform_secretariat, slug="evidence", name="Evidence"
        )
    with audited("stakeholders.area.updated"):
        services.update_thematic_area(
            area, actor=platform_secretariat, name="E-evidence", is_active=False
        )


def test_starting_and_editing_an_application_are_audited(process, organisation, admin):
    with audited("stakeholders.application.created"):
        application = services.create_application(
            process, actor=admin, organisation=organisation, statement="Our work."
        )
    with audited("stakeholders.application.edited"):
        services.update_application(application, actor=admin, statement="Our work, again.")


@pytest.mark.parametrize(
    "state, step, call",
    [
        ("draft", "submit", lambda a, actor: services.submit_application(a, actor=actor)),
        ("submitted", "withdraw", lambda a, actor: services.withdraw_application(a, actor=actor)),
        ("submitted", "review", lambda a, actor: services.review_application(a, actor=actor)),
        (
            "submitted",
            "return",
            lambda a, actor: services.return_application(a, actor=actor, message="More."),
        ),
        (
            "under_review",
            "circulate",
            lambda a, actor: services.circulate_application(
                a, actor=actor, deadline=timezone.now().date() + timedelta(days=5)
            ),
        ),
    ],
)
def test_each_step_of_the_pipeline_is_audited(
    process, organisation, process_secretariat, state, step, call
):
    application = make_application(process, organisation, state=state)
    with audited(f"stakeholders.application.{step}", object_id=str(application.pk)):
        call(application, process_secretariat)


def test_a_decision_is_audited(process, process_secretariat):
    verified = make_organisation(
        name="Verified", ecosoc_status="general", ecosoc_verified_at=timezone.now().date()
    )
    application = make_application(process, verified, state="under_review")
    with audited("stakeholders.application.decide", object_id=str(application.pk)):
        services.decide_application(application, actor=process_secretariat, decision="accredited")


def test_an_objection_and_its_withdrawal_are_audited(process, organisation, delegate):
    application = circulated(process, organisation)
    with (
        audited("stakeholders.objection.recorded", actor=delegate),
        audited("stakeholders.application.objected", object_id=str(application.pk)),
    ):
        objection = services.record_objection(
            application, actor=delegate, member_state="US", basis="b", disclose=False
        )
    with (
        audited("stakeholders.objection.withdrawn", actor=delegate),
        audited("stakeholders.application.objections_withdrawn", object_id=str(application.pk)),
    ):
        services.withdraw_objection(objection, actor=delegate)


def test_accreditation_without_objection_is_audited(process, organisation):
    application = make_application(process, organisation, state="circulated")
    with audited("stakeholders.application.accredited_without_objection"):
        services.close_objection_periods(today=application.deadline + timedelta(days=1))


def test_the_settings_are_audited(process, process_secretariat):
    with audited("stakeholders.settings.updated", process=process):
        services.update_accreditation_settings(
            process, actor=process_secretariat, objection_days=30
        )


def test_carrying_over_is_audited(organisation, admin):
    first = make_process(slug="first")
    second = make_process(slug="second", predecessor=first)
    verified = make_organisation(
        name="Verified", ecosoc_status="general", ecosoc_verified_at=timezone.now().date()
    )
    make_application(first, verified, state="accredited")
    make_application(first, organisation, state="accredited")
    with audited("stakeholders.application.carried_over", actor=admin):
        services.opt_in_carry_over(second, actor=admin, organisation=organisation)
    with audited("stakeholders.application.carried_over", process=second):
        services.carry_over_accreditations(second, actor=None)


def test_documents_are_audited(process, organisation, admin):
    application = make_application(process, organisation)
    with audited("stakeholders.document.added", object_id=str(application.pk)):
        document = services.add_document(application, actor=admin, upload=pdf_upload())
    with audited("stakeholders.document.removed", object_id=str(application.pk)):
        services.remove_document(document, actor=admin)


# People's names on the audit page ----------------------------------------------------------------


def names(viewer, *people):
    entries = [AuditEntry(actor_id=p.pk) for p in people]
    return [e.actor_label for e in audit.label_entries(entries, viewer)]


@pytest.fixture
def protected(process):
    """A person at risk, of an organisation that applied to `process`."""
    person = make_user("amina@ngo.example")
    services.set_person_at_risk(person, actor=person, at_risk=True)
    person.display_name = "Amina Protected"
    person.save(update_fields=["display_name"])
    organisation = make_organisation(person, name="Quiet Org", country="FR")
    make_application(process, organisation)
    return person


def test_the_audit_page_names_a_protected_person_to_the_secretariat_of_its_process(
    protected, process_secretariat, other_secretariat, platform_secretariat
):
    assert names(process_secretariat, protected) == ["Amina Protected"]
    assert names(platform_secretariat, protected) == ["Amina Protected"]
    assert names(other_secretariat, protected) == [f"user #{protected.pk}"]


def test_the_audit_page_names_each_person_to_themselves(protected, stakeholder):
    assert names(protected, protected) == ["Amina Protected"]
    assert names(stakeholder, protected) == [f"user #{protected.pk}"]


def test_the_people_of_an_organisation_at_risk_stay_unnamed_outside_its_processes(
    process, other_secretariat, process_secretariat
):
    person = make_user("rep@quiet.example")
    person.display_name = "Rep of a quiet org"
    person.save(update_fields=["display_name"])
    organisation = make_organisation(person, name="At Risk Org", country="FR", at_risk=True)
    make_application(process, organisation)
    assert names(process_secretariat, person) == ["Rep of a quiet org"]
    assert names(other_secretariat, person) == [f"user #{person.pk}"]


def test_people_nobody_protects_are_named_to_any_secretariat(other_secretariat, delegate):
    assert names(other_secretariat, delegate) == [delegate.email]


def test_the_audit_page_itself_follows_the_rule(
    client, protected, process, other_process, other_secretariat
):
    url = reverse("core:audit_log")
    for where in (process, other_process):
        services.update_accreditation_settings(where, actor=protected, objection_days=20)
    mine = make_user("staff.two@example.org", role="secretariat", process=process)
    client.force_login(mine, backend="django.contrib.auth.backends.ModelBackend")
    assert "Amina Protected" in client.get(url).text
    client.force_login(other_secretariat, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get(url).text
    assert "stakeholders.settings.updated" in page and "Amina Protected" not in page
