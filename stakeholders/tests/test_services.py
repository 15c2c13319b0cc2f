import contextlib
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import AuditEntry
from stakeholders import pipeline, services
from stakeholders.exceptions import (
    ActionNotAllowed,
    DuplicateOrganisation,
    InvalidDocument,
    NotEligible,
    ObjectionPeriodClosed,
    StakeholdersError,
)
from stakeholders.models import Application, Membership, Objection
from stakeholders.regions import REGION_OF, region_of
from tests.builders import make_application, make_organisation, make_process, make_user


def today() -> date:
    return timezone.now().date()


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# Regions and organisations -----------------------------------------------------------------------


def test_every_member_state_has_exactly_one_regional_group():
    from core.member_states import MEMBER_STATES

    assert set(REGION_OF) == set(MEMBER_STATES)
    assert (
        region_of("KE") == "african" and region_of("us") == "weog" and region_of("DO") == "grulac"
    )
    assert region_of("TW") == ""


@pytest.mark.django_db
def test_registering_makes_the_registrant_admin_and_derives_the_region(stakeholder):
    organisation = make_organisation(stakeholder, country="AT")
    assert organisation.region == "weog"
    assert Membership.objects.get(organisation=organisation).user == stakeholder
    assert AuditEntry.objects.filter(action="stakeholders.organisation.created").exists()


@pytest.mark.django_db
def test_a_duplicate_name_in_the_same_country_is_refused_with_the_existing_one():
    existing = make_organisation(name="Access Now", country="US")
    with pytest.raises(DuplicateOrganisation) as caught:
        make_organisation(name="  access now ", country="US")
    assert caught.value.existing == existing
    assert make_organisation(name="Access Now", country="BE").pk != existing.pk


@pytest.mark.django_db
def test_the_last_administrator_cannot_be_removed(stakeholder):
    organisation = make_organisation(stakeholder)
    with pytest.raises(StakeholdersError):
        services.remove_member(organisation.memberships.get(), actor=stakeholder)
    assert organisation.memberships.count() == 1


@pytest.mark.django_db
def test_an_invitation_is_accepted_once_by_its_addressee(stakeholder):
    organisation = make_organisation(stakeholder)
    tokens = []
    services.invite_member(
        organisation,
        actor=stakeholder,
        email="Colleague@example.org",
        role="representative",
        accept_url=lambda t: tokens.append(t) or t,
    )
    colleague = make_user("colleague@example.org")
    stranger = make_user("stranger@example.org")
    with pytest.raises(StakeholdersError, match="another e-mail address"):
        services.accept_invitation(tokens[0], actor=stranger)
    services.accept_invitation(tokens[0], actor=colleague)
    with pytest.raises(StakeholdersError, match="already used"):
        services.accept_invitation(tokens[0], actor=colleague)
    assert organisation.memberships.filter(user=colleague, role="representative").exists()


# The pipeline -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_open_track_runs_from_draft_to_accredited_by_silence(
    process, stakeholder, django_capture_on_commit_callbacks, mailoutbox
):
    organisation = make_organisation(stakeholder)
    application = services.create_application(
        process, actor=stakeholder, organisation=organisation, statement="Relevant work."
    )
    assert application.track == "open"
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, actor=stakeholder)
        services.review_application(application, actor=None)
        services.circulate_application(
            application, actor=None, deadline=today() + timedelta(days=3)
        )
    assert services.close_objection_periods(today=today() + timedelta(days=3)) == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.close_objection_periods(today=today() + timedelta(days=4)) == [
            application.pk
        ]
    assert services.close_objection_periods(today=today() + timedelta(days=5)) == []
    application.refresh_from_db()
    assert application.state == "accredited"
    assert len(mailoutbox) == 4 and all(m.to == [stakeholder.email] for m in mailoutbox)


@pytest.mark.django_db
def test_ecosoc_track_is_accredited_by_the_secretariat_without_circulation(process, stakeholder):
    organisation = make_organisation(
        stakeholder, ecosoc_status="special", ecosoc_verified_at=date(2024, 1, 5)
    )
    application = make_application(process, organisation, state="under_review")
    assert application.track == "ecosoc"
    assert "circulate" not in pipeline.allowed_actions(application)
    services.decide_application(application, actor=None, decision="accredited")
    assert Application.objects.get(pk=application.pk).state == "accredited"


@pytest.mark.django_db
def test_an_action_the_state_does_not_allow_names_the_allowed_ones(process):
    application = make_application(process, make_organisation(), state="submitted")
    with pytest.raises(ActionNotAllowed) as caught:
        services.circulate_application(application, actor=None)
    assert caught.value.allowed == ["withdraw", "return", "review"]
    assert Application.objects.get(pk=application.pk).state == "submitted"


@pytest.mark.django_db
def test_a_statement_over_500_words_is_refused(process):
    organisation = make_organisation()
    with pytest.raises(NotEligible, match="501 words"):
        services.create_application(
            process, actor=None, organisation=organisation, statement="word " * 501
        )
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_an_open_track_application_needs_a_statement_to_be_submitted(process):
    application = make_application(process, make_organisation(), statement="")
    with pytest.raises(NotEligible):
        services.submit_application(application, actor=None)
    assert Application.objects.get(pk=application.pk).state == "draft"


@pytest.mark.django_db
def test_returned_applications_can_be_edited_and_submitted_again(process):
    application = make_application(process, make_organisation(), state="returned")
    services.update_application(application, actor=None, statement="Now with detail.")
    services.submit_application(application, actor=None)
    assert Application.objects.get(pk=application.pk).state == "submitted"


@pytest.mark.django_db
def test_one_open_application_per_organisation_and_process(process):
    organisation = make_organisation()
    make_application(process, organisation)
    with pytest.raises(NotEligible):
        make_application(process, organisation)
    services.withdraw_application(Application.objects.get(), actor=None)
    assert make_application(process, organisation).state == "draft"


# Objections ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_standing_objection_is_never_overlooked_by_the_silence_rule(process, delegate):
    # The state says circulated (say, a withdrawal and a new objection crossed), but an
    # objection stands: the period closes without accrediting.
    application = make_application(process, make_organisation(), state="circulated")
    services.record_objection(
        application, actor=delegate, member_state="US", basis="Links to X", disclose=True
    )
    Application.objects.filter(pk=application.pk).update(state="circulated")
    accredited = services.close_objection_periods(today=application.deadline + timedelta(days=1))
    assert accredited == []
    assert Application.objects.get(pk=application.pk).state == "circulated"


@pytest.mark.django_db
def test_an_objection_stops_silent_accreditation_until_the_committee_decides(process, delegate):
    application = make_application(process, make_organisation(), state="circulated")
    services.record_objection(
        application, actor=delegate, member_state="US", basis="Links to X", disclose=True
    )
    application.refresh_from_db()
    assert application.state == "objected"
    services.close_objection_periods(today=application.deadline + timedelta(days=1))
    assert Application.objects.get(pk=application.pk).state == "objected"
    with pytest.raises(NotEligible, match="runs until"):
        services.decide_application(application, actor=None, decision="accredited")


@pytest.mark.django_db
def test_the_committee_decision_needs_a_reason_to_refuse(process, delegate, monkeypatch):
    application = make_application(process, make_organisation(), state="circulated")
    services.record_objection(
        application, actor=delegate, member_state="US", basis="b", disclose=False
    )
    later = timezone.now() + timedelta(days=30)
    monkeypatch.setattr("stakeholders.services.accreditation.timezone.now", lambda: later)
    with pytest.raises(NotEligible, match="reason"):
        services.decide_application(application, actor=None, decision="not_accredited")
    services.decide_application(
        application, actor=None, decision="not_accredited", reason="Committee vote"
    )
    application.refresh_from_db()
    assert (application.state, application.decision_reason) == ("not_accredited", "Committee vote")


@pytest.mark.django_db
def test_an_objection_after_the_deadline_is_refused_with_the_deadline(
    process, delegate, monkeypatch
):
    application = make_application(process, make_organisation(), state="circulated")
    later = timezone.now() + timedelta(days=15)
    monkeypatch.setattr("stakeholders.services.accreditation.timezone.now", lambda: later)
    with pytest.raises(ObjectionPeriodClosed) as caught:
        services.record_objection(
            application, actor=delegate, member_state="US", basis="b", disclose=False
        )
    assert caught.value.deadline == application.deadline
    assert application.deadline.isoformat() in str(caught.value)
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_objections_are_refused_before_circulation(process, delegate):
    application = make_application(process, make_organisation(), state="under_review")
    with pytest.raises(ObjectionPeriodClosed):
        services.record_objection(
            application, actor=delegate, member_state="US", basis="b", disclose=False
        )


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["delegate", "process_secretariat"])
def test_a_delegate_objects_only_on_behalf_of_its_own_state(request, process, who):
    application = make_application(process, make_organisation(), state="circulated")
    with pytest.raises(NotEligible, match="on behalf of the State they represent"):
        services.record_objection(
            application,
            actor=request.getfixturevalue(who),
            member_state="FR",
            basis="b",
            disclose=False,
        )
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_a_state_objects_once_and_may_withdraw_before_the_deadline(process, delegate):
    application = make_application(process, make_organisation(), state="circulated")
    objection = services.record_objection(
        application, actor=delegate, member_state="US", basis="b", disclose=False
    )
    with pytest.raises(StakeholdersError, match="already has a standing objection"):
        services.record_objection(
            application, actor=delegate, member_state="US", basis="again", disclose=False
        )
    services.withdraw_objection(objection, actor=delegate)
    application.refresh_from_db()
    assert application.state == "circulated"
    services.close_objection_periods(today=application.deadline + timedelta(days=1))
    assert Application.objects.get(pk=application.pk).state == "accredited"


@pytest.mark.django_db
def test_withdrawal_by_the_applicant_is_possible_until_a_decision(process):
    application = make_application(process, make_organisation(), state="circulated")
    services.withdraw_application(application, actor=None)
    with pytest.raises(ActionNotAllowed):
        services.withdraw_application(application, actor=None)


# Carry-over ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_carry_over_in_one_action_and_by_opt_in():
    first = make_process(slug="first")
    second = make_process(slug="second", predecessor=first)
    a = make_application(first, make_organisation(name="A"), state="accredited")
    b = make_application(first, make_organisation(name="B", country="FR"), state="accredited")
    carried = services.opt_in_carry_over(second, actor=None, organisation=a.organisation)
    assert carried.state == "accredited" and carried.carried_over_from == a
    assert [x.organisation for x in services.carry_over_accreditations(second, actor=None)] == [
        b.organisation
    ]
    assert services.carry_over_accreditations(second, actor=None) == []


@pytest.mark.django_db
def test_carry_over_can_require_a_new_objection_round():
    first = make_process(slug="first")
    second = make_process(slug="second", predecessor=first)
    services.update_accreditation_settings(
        second, actor=None, carry_over_needs_objection_round=True
    )
    make_application(first, make_organisation(), state="accredited")
    (carried,) = services.carry_over_accreditations(second, actor=None)
    assert carried.state == "under_review"
    assert "circulate" in pipeline.allowed_actions(carried)


@pytest.mark.django_db
def test_carry_over_needs_a_predecessor(process):
    with pytest.raises(NotEligible):
        services.carry_over_accreditations(process, actor=None)


# Documents ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_real_pdf_is_attached(process):
    application = make_application(process, make_organisation())
    document = services.add_document(
        application, actor=None, upload=SimpleUploadedFile("report.pdf", pdf_bytes())
    )
    assert document.file.read().startswith(b"%PDF-")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("fake.pdf", b"MZ\x90\x00 not a pdf at all", "not a PDF"),
        ("broken.pdf", b"%PDF-1.7\n garbage without structure", "damaged"),
    ],
)
def test_files_are_checked_by_content_not_by_name(process, name, content, message):
    application = make_application(process, make_organisation())
    with pytest.raises(InvalidDocument, match=message):
        services.add_document(application, actor=None, upload=SimpleUploadedFile(name, content))
    assert not application.documents.exists()


@pytest.mark.django_db
def test_an_oversized_file_is_refused_with_the_limit(process):
    application = make_application(process, make_organisation())
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(InvalidDocument, match="10 MB"):
        services.add_document(application, actor=None, upload=big)
    assert not application.documents.exists()


@pytest.mark.django_db
def test_the_command_and_the_task_close_periods_idempotently(process, capsys, monkeypatch):
    from django.core.management import call_command

    from stakeholders.tasks import close_objection_periods as task

    application = make_application(process, make_organisation(), state="circulated")
    later = timezone.now() + timedelta(days=15)
    monkeypatch.setattr("stakeholders.services.accreditation.timezone.now", lambda: later)
    call_command("close_objection_periods")
    assert "1 application(s) accredited" in capsys.readouterr().out
    assert task.delay().get() == []
    assert Application.objects.get(pk=application.pk).state == "accredited"


@pytest.mark.django_db
def test_verification_lapses_when_what_was_verified_changes(stakeholder):
    organisation = make_organisation(
        stakeholder, ecosoc_status="roster", ecosoc_verified_at=date(2024, 1, 1)
    )
    services.update_organisation(organisation, actor=stakeholder, acronym="X")
    organisation.refresh_from_db()
    assert organisation.ecosoc_verified
    services.update_organisation(organisation, actor=stakeholder, ecosoc_status="general")
    organisation.refresh_from_db()
    assert organisation.ecosoc_verified_at is None and not organisation.ecosoc_verified


@pytest.mark.django_db
def test_only_the_person_or_the_platform_lifts_protection(stakeholder, platform_secretariat):
    organisation = make_organisation(stakeholder)
    person = make_user("p@example.org")
    organisation.memberships.create(user=person)
    services.set_person_at_risk(person, actor=stakeholder, at_risk=True)
    with pytest.raises(StakeholdersError, match="Only the person"):
        services.set_person_at_risk(person, actor=stakeholder, at_risk=False)
    person.refresh_from_db()
    assert person.at_risk
    services.set_person_at_risk(person, actor=person, at_risk=False)
    services.set_person_at_risk(person, actor=stakeholder, at_risk=True)
    services.set_person_at_risk(person, actor=platform_secretariat, at_risk=False)


@pytest.mark.django_db
def test_carry_over_respects_decisions_and_withdrawals_in_the_new_process():
    first = make_process(slug="first")
    second = make_process(slug="second", predecessor=first)
    refused = make_organisation(
        name="Refused", ecosoc_status="special", ecosoc_verified_at=date(2024, 1, 1)
    )
    withdrew = make_organisation(name="Withdrew", country="FR")
    make_application(first, refused, state="accredited")
    make_application(first, withdrew, state="accredited")
    decided = make_application(second, refused, state="under_review")
    services.decide_application(decided, actor=None, decision="not_accredited", reason="Committee")
    make_application(second, withdrew, state="withdrawn")
    assert services.carry_over_accreditations(second, actor=None) == []
    with pytest.raises(NotEligible):
        services.opt_in_carry_over(second, actor=None, organisation=refused)
    carried = services.opt_in_carry_over(second, actor=None, organisation=withdrew)
    assert carried.state == "accredited"
    assert Application.objects.get(pk=decided.pk).state == "not_accredited"


@pytest.mark.django_db
def test_the_objection_period_is_between_one_day_and_a_year(process):
    from django.core.exceptions import ValidationError

    for days in (0, 366):
        with pytest.raises(ValidationError):
            services.update_accreditation_settings(process, actor=None, objection_days=days)


@pytest.mark.django_db
def test_any_malformed_pdf_is_refused_not_crashed(process):
    application = make_application(process, make_organisation())
    good = pdf_bytes()
    for cut in (len(good) // 3, len(good) // 2, len(good) - 20):
        damaged = good[:cut] + b"\x00garbage" + good[cut + 8 :]
        with contextlib.suppress(InvalidDocument):
            services.add_document(
                application, actor=None, upload=SimpleUploadedFile("x.pdf", damaged)
            )
    assert application.documents.count() <= 3


@pytest.mark.django_db
def test_each_applicant_is_told_in_their_own_language(
    process, django_capture_on_commit_callbacks, mailoutbox
):
    french = make_user("fr@ngo.example")
    french.language = "fr"
    french.save()
    organisation = make_organisation(french)
    application = make_application(process, organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, actor=None)
    (mail,) = mailoutbox
    assert mail.to == ["fr@ngo.example"]
    assert "secrétariat" in mail.body
