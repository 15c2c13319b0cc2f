import csv
import io
import json
import uuid

import pytest
from openpyxl import load_workbook

from consultations import counting, services
from consultations.models import Participation, Response, Tally
from tests.builders import (
    GOOD_ANSWERS,
    make_application,
    make_consultation,
    make_organisation,
    make_token,
    make_user,
    submit,
)

pytestmark = pytest.mark.django_db


def post(client, consultation, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        f"/api/v1/consultations/{consultation.slug}/responses",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def body(**overrides):
    data = {"instance_id": str(uuid.uuid4()), "language": "en", "answers": dict(GOOD_ANSWERS)}
    data.update(overrides)
    return data


def test_a_response_is_created_and_a_retry_returns_the_same(client, process):
    consultation = make_consultation(process)
    sent = body()
    first = post(client, consultation, sent)
    assert first.status_code == 201, first.content
    again = post(client, consultation, sent)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["reference"] == first.json()["reference"]
    assert Response.objects.count() == 1
    counting.count_responses(consultation)
    assert Tally.objects.get(consultation=consultation, question="", value="").count == 1


def test_the_same_instance_with_other_answers_is_a_conflict_and_stores_nothing(client, process):
    consultation = make_consultation(process)
    sent = body()
    post(client, consultation, sent)
    changed = dict(sent, answers={**GOOD_ANSWERS, "staff": 13})
    response = post(client, consultation, changed)
    assert response.status_code == 409
    assert Response.objects.get().answers["staff"] == 12


def test_invalid_answers_name_the_field_inside_repeats_in_the_submission_language(client, process):
    consultation = make_consultation(process)
    answers = {
        "sector": "ngo",
        "staff": 5000,
        "topics": [],
        "project": [{"project_name": "A"}, {"project_start": "2999-01-01"}],
    }
    response = post(client, consultation, body(answers=answers, language="ar"))
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["staff"] == "من 0 إلى 1000"
    assert errors["topics"] == "اختر موضوعاً"
    assert errors["project[2].project_name"] == "سمّه"
    assert errors["project[2].project_start"] == "ليس في المستقبل"
    assert "project[1].project_name" not in errors
    assert not Response.objects.exists() and not Tally.objects.exists()


def test_wrong_types_get_a_clear_default_message(client, process):
    consultation = make_consultation(process)
    answers = {**GOOD_ANSWERS, "staff": "twelve", "sector": "pirates", "extra": 1}
    response = post(client, consultation, body(answers=answers))
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["staff"] == "Give a whole number."
    assert errors["sector"] == "Choose one of the options offered."
    assert errors["extra"] == "This question is not in the form."


def test_a_malformed_body_is_a_422_not_a_500(client, process):
    consultation = make_consultation(process)
    response = client.post(
        f"/api/v1/consultations/{consultation.slug}/responses",
        data="{not json",
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    bad_id = post(client, consultation, body(instance_id="nope"))
    assert bad_id.status_code == 422
    assert bad_id.json()["errors"][0]["field"] == "instance_id"


@pytest.mark.parametrize("status", ["closed", "published"])
def test_a_consultation_not_open_answers_409_with_its_window(client, process, status):
    consultation = make_consultation(process, status=status)
    response = post(client, consultation, body())
    assert response.status_code == 409
    fields = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert fields["closes_at"] == consultation.closes_at.isoformat()
    assert not Response.objects.exists()


def test_outside_the_window_is_409_even_when_open(client, process):
    from datetime import timedelta

    from django.utils import timezone

    later = timezone.now() + timedelta(days=3)
    consultation = make_consultation(process, opens_at=later, closes_at=later + timedelta(days=1))
    assert post(client, consultation, body()).status_code == 409


def test_a_draft_consultation_does_not_exist_for_the_public(client, process):
    consultation = make_consultation(process, status="draft")
    assert post(client, consultation, body()).status_code == 404


class TestAccreditedAudience:
    @pytest.fixture
    def setup(self, process):
        member = make_user("member@example.org")
        organisation = make_organisation(member, name="Cyber Peace Lab", country="CH")
        make_application(process, organisation, state="accredited")
        outsider = make_user("outsider@example.org")
        make_organisation(outsider, name="Not Accredited", country="FR")
        consultation = make_consultation(process, audience="accredited", identity="attributed")
        return consultation, member, organisation, outsider

    def test_anonymous_callers_must_authenticate(self, client, setup):
        consultation, *_ = setup
        assert post(client, consultation, body()).status_code == 401

    def test_members_of_unaccredited_organisations_are_refused(self, client, setup):
        consultation, _m, _o, outsider = setup
        response = post(client, consultation, body(), make_token(outsider))
        assert response.status_code == 403
        assert not Response.objects.exists()

    def test_a_member_answers_for_the_accredited_organisation(self, client, setup):
        consultation, member, organisation, _ = setup
        response = post(client, consultation, body(), make_token(member))
        assert response.status_code == 201
        stored = Response.objects.get()
        assert stored.respondent == member and stored.organisation == organisation
        assert (stored.kind, stored.region) == ("ngo", "weog")

    def test_a_second_response_by_the_same_person_is_refused(self, client, setup):
        consultation, member, *_ = setup
        token = make_token(member)
        post(client, consultation, body(), token)
        second = post(client, consultation, body(), token)
        assert second.status_code == 409
        assert Response.objects.count() == 1

    def test_answering_for_someone_elses_organisation_is_refused(self, client, setup, process):
        consultation, member, _org, outsider = setup
        theirs = make_organisation(outsider, name="Elsewhere", country="BR")
        make_application(process, theirs, state="accredited")
        answer = body(organisation_id=theirs.public_id)
        response = post(client, consultation, answer, make_token(member))
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "organisation_id"

    def test_the_organisation_is_named_by_its_public_id(self, client, setup):
        consultation, member, organisation, _ = setup
        answer = body(organisation_id=organisation.public_id)
        assert post(client, consultation, answer, make_token(member)).status_code == 201
        assert Response.objects.get().organisation == organisation
        # Its sequential number names nothing the API publishes.
        other = body(organisation_id=str(organisation.pk))
        assert post(client, consultation, other, make_token(member)).status_code == 422


def test_an_invited_list_admits_only_those_on_it(client, process):
    consultation = make_consultation(process, audience="invited")
    invited = make_user("invited@example.org")
    stranger = make_user("stranger@example.org")
    services.set_invitees(consultation, ["Invited@example.org"], actor=None)
    assert post(client, consultation, body(), make_token(stranger)).status_code == 403
    assert post(client, consultation, body(), make_token(invited)).status_code == 201


def test_anonymous_mode_stores_no_link_to_the_person(client, process):
    consultation = make_consultation(process, identity="anonymous")
    person = make_user("quiet@example.org")
    organisation = make_organisation(person)
    response = post(
        client, consultation, body(kind="academia", region="african"), make_token(person)
    )
    assert response.status_code == 201
    stored = Response.objects.get()
    assert stored.respondent is None and stored.organisation is None
    assert (stored.kind, stored.region) == ("academia", "african")
    assert organisation.kind == "ngo"  # what is stored is what was declared
    # The person cannot answer twice, yet nothing points from the participation to the response.
    assert Participation.objects.count() == 1
    assert post(client, consultation, body(), make_token(person)).status_code == 409


def test_an_undeclared_kind_is_refused_with_the_field(client, process):
    consultation = make_consultation(process, identity="anonymous")
    response = post(client, consultation, body(kind="pirates"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"


# Results ----------------------------------------------------------------------------------------


def results(client, consultation, query="", token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/consultations/{consultation.slug}/results{query}", **headers)


def test_results_are_for_staff_until_published(client, process, process_secretariat, stakeholder):
    consultation = make_consultation(process)
    submit(consultation)
    assert results(client, consultation).status_code == 401
    assert results(client, consultation, token=make_token(stakeholder)).status_code == 403
    assert results(client, consultation, token=make_token(process_secretariat)).status_code == 200
    services.set_status(consultation, "closed", actor=None)
    services.set_status(consultation, "published", actor=None)
    assert results(client, consultation).status_code == 200


def test_another_process_secretariat_cannot_read_unpublished_results(
    client, process, other_secretariat
):
    consultation = make_consultation(process)
    assert results(client, consultation, token=make_token(other_secretariat)).status_code == 403


def _question(payload, name):
    return next(q for q in payload["questions"] if q["name"] == name)


def test_results_suppress_cells_under_five_outside_attributed_mode(
    client, process, process_secretariat
):
    consultation = make_consultation(process, identity="confidential")
    for sector, times in (("ngo", 7), ("academia", 2), ("state", 6)):
        for _ in range(times):
            submit(consultation, answers={**GOOD_ANSWERS, "sector": sector})
    payload = results(client, consultation, token=make_token(process_secretariat)).json()
    assert payload["total"] == 15
    sector = {r["value"]: r["count"] for r in _question(payload, "sector")["rows"]}
    # academia (2) is under 5; with the total shown, state (6) would give it away by
    # subtraction, so the smallest other figure is hidden too.
    assert sector == {"ngo": 7, "academia": "<5", "state": "…"}
    percents = {r["value"]: r["percent"] for r in _question(payload, "sector")["rows"]}
    assert percents == {"ngo": "46.7%", "academia": "", "state": ""}


def test_attributed_results_show_every_figure(client, process, process_secretariat):
    consultation = make_consultation(process, identity="attributed")
    submit(consultation)
    submit(consultation, answers={**GOOD_ANSWERS, "sector": "academia"})
    payload = results(client, consultation, token=make_token(process_secretariat)).json()
    sector = {r["value"]: r["count"] for r in _question(payload, "sector")["rows"]}
    assert sector == {"ngo": 1, "academia": 1, "state": 0}


def test_results_break_down_by_kind_and_match_the_page(client, process, process_secretariat):
    consultation = make_consultation(process, identity="attributed")
    for kind in ["ngo"] * 3 + ["academia"] * 2:
        submit(consultation, declared={"kind": kind})
    token = make_token(process_secretariat)
    payload = results(client, consultation, "?by=kind", token).json()
    assert [c["key"] for c in payload["columns"]] == ["all", "ngo", "academia"]
    topics = {r["value"]: r["breakdown"] for r in _question(payload, "topics")["rows"]}
    assert topics["ransomware"] == {"all": 5, "ngo": 3, "academia": 2}
    only = results(client, consultation, "?kind=academia", token).json()
    assert only["total"] == 2
    assert results(client, consultation, "?by=colour", token).status_code == 422


def test_repeat_questions_are_counted_per_entry(client, process, process_secretariat):
    consultation = make_consultation(process, identity="attributed")
    two = [{"project_name": "A", "project_start": "2021-01-01"}, {"project_name": "B"}]
    submit(consultation, answers={**GOOD_ANSWERS, "project": two})
    payload = results(client, consultation, token=make_token(process_secretariat)).json()
    assert _question(payload, "project/project_name")["answered"] == 2
    months = {r["value"]: r["count"] for r in _question(payload, "project/project_start")["rows"]}
    assert months == {"2021-01": 1}


# Exports ----------------------------------------------------------------------------------------


def export(client, consultation, query, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(f"/api/v1/consultations/{consultation.slug}/export{query}", **headers)


def test_exports_are_for_the_process_secretariat_only(
    client, process, process_secretariat, other_secretariat, stakeholder
):
    consultation = make_consultation(process)
    assert export(client, consultation, "").status_code == 401
    for user in (other_secretariat, stakeholder):
        assert export(client, consultation, "", make_token(user)).status_code == 403
    assert export(client, consultation, "", make_token(process_secretariat)).status_code == 200


def test_csv_export_neutralises_formulas_and_names_the_respondent(
    client, process, process_secretariat
):
    consultation = make_consultation(process, identity="confidential")
    person = make_user("named@example.org")
    submit(consultation, person, answers={**GOOD_ANSWERS, "comment": "=HYPERLINK(1)"})
    response = export(client, consultation, "?format=csv", make_token(process_secretariat))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["comment"] == "'=HYPERLINK(1)"
    assert rows[0]["respondent_email"] == "named@example.org"


def test_anonymous_exports_hold_no_identity(client, process, process_secretariat):
    consultation = make_consultation(process, identity="anonymous")
    submit(consultation, make_user("hidden@example.org"))
    response = export(client, consultation, "?format=json", make_token(process_secretariat))
    record = response.json()[0]
    assert not {"respondent", "respondent_email", "organisation"} & set(record)
    assert "hidden@example.org" not in response.content.decode()


def test_xlsx_export_has_a_sheet_per_repeat_linked_by_id_with_labels(
    client, process, process_secretariat
):
    consultation = make_consultation(process)
    stored = submit(consultation)
    response = export(
        client,
        consultation,
        "?format=xlsx&labels=true&language=ar",
        make_token(process_secretariat),
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["small", "project"]
    main = list(book["small"].values)
    assert main[1][main[0].index("sector")] == "منظمة غير حكومية"
    project = list(book["project"].values)
    assert project[0][:3] == ("_parent_id", "_index", "project_name")
    assert project[1][:3] == (stored.pk, 1, "Helpline")


def test_a_consultation_closed_by_another_process_refuses_at_once(client, process):
    """Each process remembers consultations it read; a change made elsewhere is still seen."""
    consultation = make_consultation(process)
    assert post(client, consultation, body()).status_code == 201  # now remembered
    # Another worker closes it: only the database knows.
    from django.utils import timezone

    from consultations.models import Consultation

    Consultation.objects.filter(pk=consultation.pk).update(
        status="closed", updated_at=timezone.now()
    )
    response = post(client, consultation, body())
    assert response.status_code == 409
    assert Response.objects.count() == 1


def test_a_consultation_reopened_elsewhere_takes_answers_at_once(client, process):
    consultation = make_consultation(process)
    services.set_status(consultation, "closed", actor=None)
    assert post(client, consultation, body()).status_code == 409  # remembered as closed
    from django.utils import timezone

    from consultations.models import Consultation

    Consultation.objects.filter(pk=consultation.pk).update(status="open", updated_at=timezone.now())
    assert post(client, consultation, body()).status_code == 201


def test_filters_cannot_undo_the_protection_of_small_cells(client, process, process_secretariat):
    consultation = make_consultation(process, identity="confidential")
    for kind in ["ngo"] * 6 + ["academia"]:
        submit(consultation, declared={"kind": kind})
    token = make_token(process_secretariat)
    whole = results(client, consultation, "", token).json()
    filtered = results(client, consultation, "?kind=ngo", token).json()
    assert filtered["total"] == whole["total"] == 7  # the filter is not applied
    months = {r["label"] for r in _question(whole, "project/project_start")["rows"]}
    assert months == {"2020-05"}  # seven answers in one month: shown
    submit(
        consultation,
        answers={**GOOD_ANSWERS, "project": [{"project_name": "B", "project_start": "2011-01-02"}]},
    )
    months = {
        r["label"]
        for r in _question(
            results(client, consultation, "", token).json(), "project/project_start"
        )["rows"]
    }
    assert "2011-01" not in months and "Other months" in months


def test_absurd_repeat_counts_and_page_state_are_refused_not_crashed(client, process):
    form = """
| survey |
| | type | name | label | repeat_count |
| | text | n | How many | |
| | begin repeat | r | Entry | ${n} |
| | text | t | Text | |
| | end repeat | | | |
"""
    consultation = make_consultation(process, form=form)
    # Not a number (infinite): the form sets no count, as in ODK.
    assert post(client, consultation, body(answers={"n": "1e400", "r": []})).status_code == 201
    for n in ("100000000000000000000", "5000"):
        response = post(client, consultation, body(answers={"n": n, "r": []}))
        assert response.status_code == 422
        assert response.json()["errors"][0]["message"] == "A part can have at most 100 entries."
    page = client.post(
        f"/consultations/{consultation.slug}/check/", {"_state": "[" * 100000, "n": "1e400"}
    )
    assert page.status_code == 200
    text = client.post(
        f"/consultations/{consultation.slug}/",
        {"_state": "{}", "n": "a\x00b", "r.count": "0", "_action": "refresh"},
    )
    assert text.status_code == 200
