import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from consultations import services
from consultations.models import Consultation, Draft, ExportJob, Response
from tests.builders import (
    GOOD_ANSWERS,
    SMALL_FORM,
    make_consultation,
    make_user,
    submit,
)

pytestmark = pytest.mark.django_db


def new_consultation_data(**overrides):
    data = {
        "title": "PPP survey",
        "slug": "ppp",
        "description": "",
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2027-01-01T09:00",
        "audience": "public",
        "identity": "confidential",
        "layout": "one_page",
        "form_file": SimpleUploadedFile("form.md", SMALL_FORM.encode()),
    }
    data.update(overrides)
    return data


class TestCreating:
    def test_the_process_secretariat_creates_a_consultation_from_an_xlsform(
        self, login, process, process_secretariat
    ):
        client = login(process_secretariat)
        response = client.post(
            f"/processes/{process.slug}/consultations/new/", new_consultation_data()
        )
        assert response.status_code == 302
        consultation = Consultation.objects.get(slug="ppp")
        assert consultation.status == "draft"
        assert consultation.languages == ["ar", "en"]
        assert bytes(consultation.versions.get().source) == SMALL_FORM.encode()

    @pytest.mark.parametrize("who", ["anonymous", "stakeholder", "other_secretariat"])
    def test_others_cannot_create(self, client, login, process, who, request):
        if who != "anonymous":
            login(request.getfixturevalue(who))
        response = client.post(
            f"/processes/{process.slug}/consultations/new/", new_consultation_data()
        )
        assert response.status_code in (302, 403)
        assert not Consultation.objects.exists()

    def test_a_broken_form_is_refused_naming_sheet_row_and_column(
        self, login, process, process_secretariat
    ):
        broken = SMALL_FORM.replace(". <= today()", "frobnicate(.)")
        data = new_consultation_data(form_file=SimpleUploadedFile("form.md", broken.encode()))
        response = login(process_secretariat).post(
            f"/processes/{process.slug}/consultations/new/", data
        )
        assert response.status_code == 400
        text = response.content.decode()
        assert "Sheet survey, row 9, column constraint" in text
        assert "frobnicate" in text
        assert not Consultation.objects.exists()

    def test_an_unsupported_question_is_refused_by_name(self, login, process, process_secretariat):
        media = SMALL_FORM.replace("| | text | comment |", "| | osm | comment |")
        data = new_consultation_data(form_file=SimpleUploadedFile("form.md", media.encode()))
        response = login(process_secretariat).post(
            f"/processes/{process.slug}/consultations/new/", data
        )
        assert response.status_code == 400
        assert "the question type osm is not supported" in response.content.decode()

    def test_the_form_cannot_be_replaced_after_the_first_response(
        self, login, process, process_secretariat
    ):
        consultation = make_consultation(process)
        submit(consultation)
        data = {k: v for k, v in new_consultation_data().items() if k != "slug"} | {
            "invitees-emails": ""
        }
        response = login(process_secretariat).post(
            f"/consultations/{consultation.slug}/edit/", data
        )
        assert response.status_code == 400
        assert "can no longer be replaced" in response.content.decode()
        assert consultation.versions.count() == 1


class TestStatus:
    def test_the_secretariat_opens_closes_and_publishes(self, login, process, process_secretariat):
        consultation = make_consultation(process, status="draft")
        client = login(process_secretariat)
        for status in ("open", "closed", "published"):
            client.post(f"/consultations/{consultation.slug}/status/", {"status": status})
            consultation.refresh_from_db()
            assert consultation.status == status

    def test_a_step_out_of_order_is_refused_with_a_message(
        self, login, process, process_secretariat
    ):
        consultation = make_consultation(process, status="draft")
        response = login(process_secretariat).post(
            f"/consultations/{consultation.slug}/status/", {"status": "published"}, follow=True
        )
        assert "cannot become" in response.content.decode()
        consultation.refresh_from_db()
        assert consultation.status == "draft"

    def test_another_process_secretariat_cannot_change_the_status(
        self, login, process, other_secretariat
    ):
        consultation = make_consultation(process, status="draft")
        response = login(other_secretariat).post(
            f"/consultations/{consultation.slug}/status/", {"status": "open"}
        )
        assert response.status_code == 404  # a draft is not even visible to them
        consultation.refresh_from_db()
        assert consultation.status == "draft"


class TestAnswering:
    def page(self, client, consultation, **params):
        return client.get(f"/consultations/{consultation.slug}/", params)

    def test_the_form_is_drawn_accessibly_in_the_language_asked(self, client, process):
        consultation = make_consultation(process)
        html = self.page(client, consultation, lang="ar").content.decode()
        assert 'lang="ar"' in html and 'dir="rtl"' in html
        assert "قطاعك" in html
        assert '<label for="q-staff">' in html
        assert '<fieldset id="q-sector"' in html and "<legend>" in html
        assert 'name="project[1].project_name"' in html

    def test_without_javascript_errors_come_back_beside_the_fields(self, client, process):
        consultation = make_consultation(process)
        page = self.page(client, consultation).content.decode()
        instance = re.search(r'name="instance_id" value="([^"]+)"', page).group(1)
        data = {
            "_state": "{}",
            "_page": "0",
            "_language": "en",
            "instance_id": instance,
            "sector": "ngo",
            "staff": "5000",
            "project.count": "1",
            "project[1].project_name": "",
            "_action": "submit",
        }
        response = client.post(f"/consultations/{consultation.slug}/", data)
        # The page drawn again with its errors is a page like any other: the browser logs none.
        assert response.status_code == 200
        html = response.content.decode()
        assert re.search(r'id="q-staff-error"\s*>From 0 to 1000<', html)
        assert re.search(r'id="q-project-1-project_name-error"\s*>Name it<', html)
        assert 'value="5000"' in html  # nothing typed is lost
        assert not Response.objects.exists()
        data.update({"staff": "12", "topics": "ransomware", "project[1].project_name": "Helpline"})
        done = client.post(f"/consultations/{consultation.slug}/", data)
        # The receipt is the answer itself: its code is in no address.
        assert done.status_code == 200 and "Location" not in done
        stored = Response.objects.get()
        assert stored.reference in done.content.decode()
        assert stored.answers["staff"] == 12 and stored.answers["topics"] == ["ransomware"]
        # Pressing submit twice (the same instance) does not make a second response.
        client.post(f"/consultations/{consultation.slug}/", data)
        assert Response.objects.count() == 1

    def test_a_repeat_entry_is_added_without_javascript(self, client, process):
        consultation = make_consultation(process)
        data = {"_state": "{}", "_page": "0", "project.count": "1", "_action": "add:project"}
        html = client.post(f"/consultations/{consultation.slug}/", data).content.decode()
        assert 'name="project[2].project_name"' in html
        assert "Please correct" not in html

    def test_a_signed_in_respondent_saves_a_draft_and_resumes(self, login, process, stakeholder):
        consultation = make_consultation(process)
        client = login(stakeholder)
        data = {"_state": "{}", "_page": "0", "comment": "half-way", "_action": "save"}
        client.post(f"/consultations/{consultation.slug}/", data)
        assert Draft.objects.get(respondent=stakeholder).answers["comment"] == "half-way"
        html = self.page(client, consultation).content.decode()
        assert "half-way" in html

    def test_an_anonymous_consultation_keeps_no_draft(self, login, process, stakeholder):
        consultation = make_consultation(process, identity="anonymous")
        client = login(stakeholder)
        assert 'value="save"' not in self.page(client, consultation).content.decode()
        data = {"_state": "{}", "_page": "0", "comment": "half-way", "_action": "save"}
        html = client.post(f"/consultations/{consultation.slug}/", data).content.decode()
        assert not Draft.objects.exists()
        assert "not kept on the server" in html
        assert "half-way" in html  # nothing typed is lost

    def test_someone_elses_draft_is_never_shown(self, login, process, stakeholder):
        consultation = make_consultation(process)
        services.save_draft(consultation, actor=stakeholder, answers={"comment": "secret plan"})
        other = make_user("other@example.org")
        assert "secret plan" not in self.page(login(other), consultation).content.decode()

    def test_one_page_per_group_moves_on_only_when_the_page_is_right(self, client, process):
        consultation = make_consultation(process, layout="per_group")
        base = {"_state": "{}", "_page": "0", "_action": "next"}
        stuck = client.post(f"/consultations/{consultation.slug}/", base)
        assert stuck.status_code == 200 and "Choose a sector" in stuck.content.decode()
        moved = client.post(f"/consultations/{consultation.slug}/", base | {"sector": "ngo"})
        html = moved.content.decode()
        assert 'name="_page" value="1"' in html
        assert "&quot;sector&quot;: &quot;ngo&quot;" in html  # carried to the next page

    def test_the_check_endpoint_tells_the_page_what_applies(self, client, process):
        consultation = make_consultation(process)
        url = f"/consultations/{consultation.slug}/check/"
        data = client.post(url, {"_state": "{}", "_page": "0", "sector": "state"}).json()
        assert "staff" in data["hidden"]
        assert data["errors"]["topics"] == "Choose a topic"

    def test_an_accredited_only_consultation_sends_visitors_to_sign_in(self, client, process):
        consultation = make_consultation(process, audience="accredited")
        html = self.page(client, consultation).content.decode()
        assert 'id="answer-form"' not in html
        response = client.post(f"/consultations/{consultation.slug}/", {"_action": "submit"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_closed_consultation_shows_no_form(self, client, process):
        consultation = make_consultation(process, status="closed")
        assert 'id="answer-form"' not in self.page(client, consultation).content.decode()

    def test_a_receipt_code_that_does_not_exist_is_said_so(self, client, process):
        consultation = make_consultation(process)
        response = client.post(f"/consultations/{consultation.slug}/receipt/", {"code": "NOPE"})
        assert response.status_code == 404
        assert "No response with this receipt code" in response.content.decode()


class TestResultsPage:
    def test_published_results_are_public_with_charts_and_suppression(self, client, process):
        consultation = make_consultation(process)
        for _ in range(6):
            submit(consultation)
        submit(consultation, answers={**GOOD_ANSWERS, "sector": "academia"})
        services.set_status(consultation, "closed", actor=None)
        assert client.get(f"/consultations/{consultation.slug}/results/").status_code == 302
        services.set_status(consultation, "published", actor=None)
        html = client.get(f"/consultations/{consultation.slug}/results/").content.decode()
        assert "<svg" in html and 'role="img"' in html
        assert "&lt;5" in html
        assert "<td>1</td>" not in html

    def test_staff_see_written_answers_the_public_does_not(
        self, client, login, process, process_secretariat
    ):
        consultation = make_consultation(process, status="open")
        submit(consultation, answers={**GOOD_ANSWERS, "comment": "Fund the helplines"})
        staff = login(process_secretariat).get(f"/consultations/{consultation.slug}/results/")
        assert "Fund the helplines" in staff.content.decode()
        client.logout()
        services.set_status(consultation, "closed", actor=None)
        services.set_status(consultation, "published", actor=None)
        public = client.get(f"/consultations/{consultation.slug}/results/")
        assert "Fund the helplines" not in public.content.decode()

    def test_responses_list_is_for_the_process_secretariat(
        self, login, process, process_secretariat, other_secretariat
    ):
        consultation = make_consultation(process)
        submit(consultation, make_user("named@example.org"))
        url = f"/consultations/{consultation.slug}/responses/"
        assert login(other_secretariat).get(url).status_code == 403
        assert "named@example.org" in login(process_secretariat).get(url).content.decode()


class TestExportPage:
    def test_a_small_export_downloads_at_once(self, login, process, process_secretariat):
        consultation = make_consultation(process)
        submit(consultation)
        response = login(process_secretariat).post(
            f"/consultations/{consultation.slug}/export/",
            {"format": "csv", "labels": "names", "language": "en"},
        )
        assert response["Content-Disposition"].endswith('.csv"')

    def test_a_large_export_runs_in_the_background_with_progress(
        self, login, process, process_secretariat, monkeypatch, django_capture_on_commit_callbacks
    ):
        monkeypatch.setattr(services, "BACKGROUND_EXPORT_FROM", 1)
        consultation = make_consultation(process)
        submit(consultation)
        client = login(process_secretariat)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/consultations/{consultation.slug}/export/",
                {"format": "json", "labels": "labels", "language": "ar"},
            )
        job = ExportJob.objects.get()
        assert response["Location"].endswith(f"/exports/{job.pk}/")
        page = client.get(response["Location"]).content.decode()
        assert "<progress" in page and "The file is ready" in page
        download = client.get(response["Location"], {"download": "1"})
        assert "منظمة غير حكومية" in download.content.decode()
        other = make_user("other.staff2@example.org", role="secretariat", process=process)
        assert login(other).get(response["Location"]).status_code == 404


class TestImportCommand:
    def test_it_prints_the_address_of_the_new_consultation(self, process, tmp_path, capsys):
        path = tmp_path / "survey.md"
        path.write_text(SMALL_FORM)
        call_command("import_form", str(path), "--process", process.slug, "--slug", "cli", "--open")
        assert capsys.readouterr().out.strip().endswith("/consultations/cli/")
        assert Consultation.objects.get(slug="cli").status == "open"

    def test_a_broken_form_prints_its_errors_and_fails(self, process, tmp_path):
        path = tmp_path / "broken.md"
        path.write_text(SMALL_FORM.replace("| | text | comment |", "| | osm | comment |"))
        with pytest.raises(CommandError, match="osm is not supported"):
            call_command("import_form", str(path), "--process", process.slug, "--slug", "cli")
        assert not Consultation.objects.exists()


def test_choices_left_out_by_a_choice_filter_are_hidden_until_they_apply(client, process):
    form = """
| survey |
| | type | name | label | choice_filter |
| | select_one state | state | State | |
| | select_one county | county | County | ${state}=cf |
| choices |
| | list_name | name | label | cf |
| | state | texas | Texas | |
| | state | washington | Washington | |
| | county | king | King | washington |
| | county | cameron | Cameron | texas |
"""
    consultation = make_consultation(process, form=form)
    html = client.get(f"/consultations/{consultation.slug}/").content.decode()
    assert re.search(r'data-choice="king" hidden', html)
    data = {"_state": "{}", "_page": "0", "state": "texas", "_action": "refresh"}
    html = client.post(f"/consultations/{consultation.slug}/", data).content.decode()
    assert re.search(r'data-choice="cameron">', html)
    assert re.search(r'data-choice="king" hidden', html)


def test_an_invited_list_with_a_wrong_address_is_refused_naming_it(
    login, process, process_secretariat
):
    consultation = make_consultation(process, status="draft")
    data = {k: v for k, v in new_consultation_data().items() if k not in ("slug", "form_file")} | {
        "invitees-emails": "ok@example.org\nnot-an-address"
    }
    response = login(process_secretariat).post(f"/consultations/{consultation.slug}/edit/", data)
    assert response.status_code == 400
    assert "These are not e-mail addresses: not-an-address" in response.content.decode()
    assert not consultation.invitees.exists()
