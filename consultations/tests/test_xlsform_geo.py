# ruff: noqa: E501  (the markdown form below is a table, one row a line)
"""Places (geopoint, geotrace, geoshape) and barcodes: loaded, drawn, checked the same way by the
page and the API."""

import json
import uuid

import pytest

from consultations.models import Response
from consultations.validation import validate_submission
from consultations.xlsform import load_xlsform
from tests.builders import make_consultation

GEO_FORM = """
| survey |          |        |                     |
|        | type     | name   | label               |
|        | geopoint | where  | Where is the site?  |
|        | geotrace | route  | The route           |
|        | geoshape | area   | The area            |
|        | barcode  | code   | The permit code     |
"""


def check(**answers):
    return validate_submission(load_xlsform(GEO_FORM.encode(), "geo.md"), answers)


def test_the_types_load():
    form = load_xlsform(GEO_FORM.encode(), "geo.md")
    assert [q.type for q in form.questions()] == ["geopoint", "geotrace", "geoshape", "barcode"]


@pytest.mark.parametrize(
    "name, given, stored",
    [
        ("where", "36.812345 -1.28", "36.812345 -1.28"),
        ("where", " -1.2921, 36.8219 1700 5.5 ", "-1.2921 36.8219 1700 5.5"),
        ("route", "0 0; 1 1;", "0 0; 1 1"),
        ("area", "0 0;0 1;1 1;0 0", "0 0; 0 1; 1 1; 0 0"),
        ("code", "AB-123", "AB-123"),
    ],
)
def test_good_answers_are_stored_as_odk_writes_them(name, given, stored):
    result = check(**{name: given})
    assert result.valid, result.errors
    assert result.answers[name] == stored


@pytest.mark.parametrize(
    "name, given, message",
    [
        ("where", "91 0", "latitude is from -90 to 90"),
        ("where", "0 181", "longitude is from -180 to 180"),
        ("where", "north", "latitude and longitude"),
        ("where", "1 nan", "is not a number"),
        ("where", "1 2 3 -4", "accuracy"),
        ("where", "1 2; 3 4", "one place only"),
        ("route", "1 2", "at least two points"),
        ("route", "1 2; 3 x", "Point 2"),
        ("area", "0 0; 0 1; 1 1", "at least four points"),
        ("area", "0 0; 0 1; 1 1; 1 0", "the last is the same as the first"),
        ("where", 12, "as text"),
    ],
)
def test_bad_answers_say_what_is_wrong(name, given, message):
    result = check(**{name: given})
    assert not result.valid
    assert [e["field"] for e in result.errors] == [name]
    assert message in result.errors[0]["message"]


@pytest.mark.django_db
class TestThePageAndTheApi:
    def test_the_page_draws_a_typed_field_and_a_slot_for_the_button(self, client, process):
        consultation = make_consultation(process, form=GEO_FORM, filename="geo.md")
        page = client.get(f"/consultations/{consultation.slug}/").content.decode()
        assert 'data-geo="geopoint"' in page and 'data-geo="geoshape"' in page
        assert 'class="geo-locate"' in page and "consultations/geo.js" in page

    def test_a_bad_place_posted_is_drawn_again_with_its_error(self, client, process):
        consultation = make_consultation(process, form=GEO_FORM, filename="geo.md")
        page = client.post(
            f"/consultations/{consultation.slug}/",
            {"_state": "{}", "_page": "0", "where": "95 10"},
        )
        assert page.status_code == 200
        assert "latitude is from -90 to 90" in page.content.decode()
        assert not Response.objects.exists()

    def test_the_api_checks_a_place_with_the_same_code(self, client, process):
        consultation = make_consultation(process, form=GEO_FORM, filename="geo.md")
        url = f"/api/v1/consultations/{consultation.slug}/responses"

        def send(answers):
            return client.post(
                url,
                data=json.dumps({"instance_id": str(uuid.uuid4()), "answers": answers}),
                content_type="application/json",
            )

        refused = send({"where": "0 200"})
        assert refused.status_code == 422
        assert "longitude is from -180 to 180" in refused.content.decode()
        assert not Response.objects.exists()
        accepted = send({"where": "1.5 2.5", "area": "0 0; 0 1; 1 1; 0 0"})
        assert accepted.status_code in (200, 201), accepted.content
        assert Response.objects.get().answers["where"] == "1.5 2.5"
