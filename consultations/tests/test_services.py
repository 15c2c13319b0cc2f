"""The services of consultations: each write leaves its audit entry (or, where the README's threat
model forbids one, none), in one transaction, and the rules they hold."""

import uuid
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from consultations import counting, exporting, selectors, services, submission
from consultations.exceptions import FormLocked, SlugTaken
from consultations.models import Consultation, Draft, ExportJob, FormVersion, Invitee
from core.models import AuditEntry
from tests.access import audited
from tests.builders import GOOD_ANSWERS, SMALL_FORM, make_consultation, make_user, submit

pytestmark = pytest.mark.django_db

FIELDS = {
    "title": "Survey",
    "opens_at": datetime(2026, 1, 1, 9, tzinfo=UTC),
    "closes_at": datetime(2027, 1, 1, 9, tzinfo=UTC),
}


def _form():
    return selectors.definition_of(selectors.current_version(Consultation.objects.get()))


class TestAuditEntries:
    def test_creating_a_consultation(self, process, process_secretariat):
        with audited("consultations.consultation.created", actor=process_secretariat):
            services.create_consultation(process, actor=process_secretariat, slug="a", **FIELDS)

    def test_creating_one_with_its_form(self, process, process_secretariat):
        with audited("consultations.consultation.created"), audited("consultations.form.uploaded"):
            make_consultation(process, process_secretariat, status="draft")

    def test_changing_its_settings(self, process, process_secretariat):
        consultation = make_consultation(process, status="draft")
        with audited("consultations.consultation.changed", actor=process_secretariat):
            services.update_consultation(consultation, actor=process_secretariat, title="New")

    def test_uploading_a_form(self, process, process_secretariat):
        consultation = make_consultation(process, status="draft")
        with audited("consultations.form.uploaded", data__version=2):
            services.upload_form(
                consultation,
                actor=process_secretariat,
                content=SMALL_FORM.encode(),
                filename="f.md",
            )

    @pytest.mark.parametrize(
        ("before", "status"),
        [([], "open"), (["open"], "closed"), (["open", "closed"], "published")],
    )
    def test_each_change_of_status(self, process, process_secretariat, before, status):
        consultation = make_consultation(process, status="draft")
        for step in before:
            services.set_status(consultation, step, actor=None)
        with audited(f"consultations.consultation.{status}", actor=process_secretariat):
            services.set_status(consultation, status, actor=process_secretariat)

    def test_replacing_the_invited_list(self, process, process_secretariat):
        consultation = make_consultation(process, audience="invited")
        with audited("consultations.invitees.changed", data__count=1):
            services.set_invitees(consultation, ["a@example.org"], actor=process_secretariat)

    def test_saving_the_edit_page(self, process, process_secretariat):
        consultation = make_consultation(process, status="draft")
        with (
            audited("consultations.form.uploaded"),
            audited("consultations.consultation.changed"),
            audited("consultations.invitees.changed"),
        ):
            services.change_consultation(
                consultation,
                actor=process_secretariat,
                emails=["b@example.org"],
                content=SMALL_FORM.encode(),
                filename="f.md",
                title="Renamed",
            )

    def test_a_background_export(self, process, process_secretariat):
        consultation = make_consultation(process)
        with audited("consultations.export.requested", data__format="json"):
            services.request_export(
                consultation, actor=process_secretariat, fmt="json", labels=False, language="en"
            )

    def test_an_export_made_at_once_on_the_page(self, process, process_secretariat):
        consultation = make_consultation(process)
        with audited("consultations.export.downloaded", data__via="page"):
            services.export_responses(
                consultation,
                actor=process_secretariat,
                form=_form(),
                fmt="csv",
                labels=False,
                language="en",
            )

    def test_an_export_through_the_api(self, process, process_secretariat):
        consultation = make_consultation(process)
        with audited("consultations.export.downloaded", data__via="api"):
            exporting.export_now(
                consultation,
                actor=process_secretariat,
                form=_form(),
                fmt="json",
                labels=True,
                language="ar",
                via="api",
            )

    def test_the_page_and_the_api_exports_are_audited(self, login, process, process_secretariat):
        from tests.builders import make_token

        consultation = make_consultation(process)
        client = login(process_secretariat)
        with audited("consultations.export.downloaded", data__via="page"):
            client.post(
                f"/consultations/{consultation.slug}/export/",
                {"format": "csv", "labels": "names", "language": "en"},
            )
        with audited("consultations.export.downloaded", data__via="api"):
            client.get(
                f"/api/v1/consultations/{consultation.slug}/export",
                HTTP_AUTHORIZATION=f"Bearer {make_token(process_secretariat)}",
            )

    def test_drafts_answers_and_counting_write_none(self, process, stakeholder):
        """The answer, its draft and the fold are not audited: see submission.py and
        services.save_draft for why."""
        consultation = make_consultation(process)
        before = AuditEntry.objects.count()
        services.save_draft(consultation, actor=stakeholder, answers={"comment": "later"})
        submit(consultation, stakeholder)
        counting.count_responses(consultation)
        assert AuditEntry.objects.count() == before


class TestOneTransaction:
    def test_a_taken_short_name_creates_nothing(self, process):
        make_consultation(process, slug="taken")
        with pytest.raises(SlugTaken):
            make_consultation(process, slug="taken", title="Another")
        assert Consultation.objects.count() == 1

    def test_a_refused_setting_keeps_the_old_form_and_list(self, process, process_secretariat):
        consultation = make_consultation(process, status="draft")
        services.set_invitees(consultation, ["kept@example.org"], actor=None)
        with pytest.raises(ValidationError):
            services.change_consultation(
                consultation,
                actor=process_secretariat,
                emails=["new@example.org"],
                content=SMALL_FORM.encode(),
                filename="new.md",
                closes_at=consultation.opens_at,  # before it opens: refused
            )
        assert FormVersion.objects.filter(consultation=consultation).count() == 1
        assert list(Invitee.objects.values_list("email", flat=True)) == ["kept@example.org"]

    def test_a_new_form_after_responses_is_refused_and_nothing_changes(
        self, process, process_secretariat
    ):
        consultation = make_consultation(process)
        submit(consultation)
        with pytest.raises(FormLocked):
            services.change_consultation(
                consultation,
                actor=process_secretariat,
                emails=[],
                content=SMALL_FORM.encode(),
                filename="new.md",
                title="Renamed",
            )
        assert Consultation.objects.get().title == "Small survey"

    def test_many_responses_are_exported_in_the_background(
        self, process, process_secretariat, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(services, "BACKGROUND_EXPORT_FROM", 2)
        consultation = make_consultation(process)
        submit(consultation)
        made = services.export_responses(
            consultation,
            actor=process_secretariat,
            form=_form(),
            fmt="csv",
            labels=False,
            language="",
        )
        assert isinstance(made, bytes)
        submit(consultation)
        with django_capture_on_commit_callbacks(execute=True):
            job = services.export_responses(
                consultation,
                actor=process_secretariat,
                form=_form(),
                fmt="csv",
                labels=False,
                language="",
            )
        assert isinstance(job, ExportJob)
        job.refresh_from_db()
        assert job.state == "ready" and job.total == 2


class TestDrafts:
    def test_a_draft_is_gone_once_its_author_submits(self, process, stakeholder):
        consultation = make_consultation(process)
        services.save_draft(consultation, actor=stakeholder, answers={"comment": "half"})
        assert Draft.objects.filter(respondent=stakeholder).exists()
        submission.submit_response(
            consultation, actor=stakeholder, instance_id=uuid.uuid4(), answers=GOOD_ANSWERS
        )
        assert not Draft.objects.exists()

    def test_a_draft_is_gone_once_its_author_submits_on_the_page(self, login, process, stakeholder):
        consultation = make_consultation(process)
        client = login(stakeholder)
        page = f"/consultations/{consultation.slug}/"
        client.post(page, {"_state": "{}", "_page": "0", "comment": "half", "_action": "save"})
        assert Draft.objects.filter(respondent=stakeholder).exists()
        answers = {
            "_state": "{}",
            "_page": "0",
            "sector": "ngo",
            "topics": "ransomware",
            "project.count": "1",
            "project[1].project_name": "Helpline",
            "_action": "submit",
        }
        assert b"receipt-code" in client.post(page, answers).content
        assert not Draft.objects.exists()

    def test_someone_elses_draft_stays(self, process, stakeholder):
        consultation = make_consultation(process)
        services.save_draft(consultation, actor=stakeholder, answers={"comment": "mine"})
        submit(consultation, make_user("other@example.org"))
        assert Draft.objects.filter(respondent=stakeholder).exists()


class TestResultsRead:
    def test_results_count_what_is_not_folded_yet_and_write_nothing(self, process):
        consultation = make_consultation(process, identity="attributed")
        submit(consultation)
        counting.count_responses(consultation)
        submit(consultation, answers={**GOOD_ANSWERS, "sector": "academia"})
        cells = list(counting.tally_cells(consultation, {}))
        assert sum(n for q, v, _k, _r, n in cells if (q, v) == ("", "")) == 2
        assert sum(n for q, v, _k, _r, n in cells if (q, v) == ("sector", "academia")) == 1
        assert consultation.responses.filter(counted=False).count() == 1

    def test_reading_results_on_the_page_and_the_api_folds_nothing(
        self, login, process, process_secretariat
    ):
        from tests.builders import make_token

        consultation = make_consultation(process)
        submit(consultation)
        login(process_secretariat).get(f"/consultations/{consultation.slug}/results/")
        login(process_secretariat).get(
            f"/api/v1/consultations/{consultation.slug}/results",
            HTTP_AUTHORIZATION=f"Bearer {make_token(process_secretariat)}",
        )
        assert not consultation.tallies.exists()
        assert consultation.responses.get().counted is False
        assert counting.count_responses(consultation) == 1
        assert list(counting.tally_cells(consultation, {}))  # now from the tallies alone
