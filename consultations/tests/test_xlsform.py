# ruff: noqa: E501  (the markdown form below is a table, one row a line)
from pathlib import Path

import pytest
from django.conf import settings

from consultations.xlsform import FormError, load_xlsform

EXAMPLES = Path(settings.BASE_DIR).parent / "shared" / "data" / "xlsform-examples" / "example_xls"

# Every example of the shared data either loads, or is refused naming what is not supported.
LOADS = [
    "cascading_select_test_equivalent.xls",
    "choice_filter_test.xlsx",
    "default_time_demo.xls",
    "group.md",
    "or_other.xlsx",
    "repeat_date_test.xls",
    "specify_other.md",
    "survey_no_name.xlsx",
    "table-list.xls",
    "text_and_integer.md",
    "xml_escaping.xls",
    "yes_or_no_question.md",
    "yes_or_no_question.xlsx",
]
REFUSED = {
    "attribute_columns_test.xlsx": "geopoint",
    "case_insensitivity.md": "select_one_external",
    "flat_xlsform_test.xlsx": "geopoint",
    "include.md": "include",
    "include_json.md": "include",
    "loop.md": "loop",
    "pull_data.xlsx": "pulldata()",
    "widgets.xls": "geopoint",
    "xlsform_spec_test.xlsx": "geopoint",
}

needs_examples = pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"{EXAMPLES} is not there")


@needs_examples
def test_the_list_covers_every_example():
    files = {p.name for p in EXAMPLES.iterdir() if p.suffix in (".xlsx", ".xls", ".md")}
    assert files == set(LOADS) | set(REFUSED)


@needs_examples
@pytest.mark.parametrize("name", LOADS)
def test_supported_examples_load(name):
    form = load_xlsform((EXAMPLES / name).read_bytes(), name)
    assert form.questions()


@needs_examples
@pytest.mark.parametrize("name, feature", sorted(REFUSED.items()))
def test_unsupported_examples_are_refused_naming_the_feature(name, feature):
    with pytest.raises(FormError, match=feature.replace("(", r"\(").replace(")", r"\)")):
        load_xlsform((EXAMPLES / name).read_bytes(), name)


MULTILINGUAL = """
| survey |
| | type | name | label::English (en) | label::Français (fr) | hint::English (en) | required | required_message::English (en) | constraint | constraint_message::English (en) | constraint_message::Français (fr) | relevant |
| | select_one sector | sector | Your sector | Votre secteur | Pick one | yes | Please choose | | | | |
| | integer | staff | Staff | Personnel | | | | . >= 0 and . <= 100000 | Between 0 and 100,000 | Entre 0 et 100 000 | ${sector} != 'state' |
| | begin_repeat | partnership | Partnerships | Partenariats | | | | | | | |
| | date | ppp_start | Start | Début | | | | . <= today() | Not in the future | Pas dans le futur | |
| | end_repeat | | | | | | | | | | |
| choices |
| | list_name | name | label::English (en) | label::Français (fr) |
| | sector | ngo | NGO | ONG |
| | sector | state | State | État |
| settings |
| | form_title | form_id | version | default_language |
| | PPP survey | ppp | 2024-05 | English (en) |
"""


def test_a_multilingual_form_keeps_every_language_and_message():
    form = load_xlsform(MULTILINGUAL.encode(), "ppp.md")
    assert (form.form_id, form.title, form.version, form.default_language) == (
        "ppp",
        "PPP survey",
        "2024-05",
        "en",
    )
    assert form.languages == ["en", "fr"]
    sector, staff, partnership = form.children
    assert sector.type == "select_one" and sector.required == "true()"
    assert sector.required_messages == {"en": "Please choose"}
    assert [c.labels for c in sector.choices] == [
        {"en": "NGO", "fr": "ONG"},
        {"en": "State", "fr": "État"},
    ]
    assert staff.constraint_messages["fr"] == "Entre 0 et 100 000"
    assert staff.relevant == "${sector} != 'state'"
    assert partnership.type == "repeat" and partnership.children[0].name == "ppp_start"


def test_an_unknown_reference_is_refused_with_its_row():
    broken = MULTILINGUAL.replace("${sector} != 'state'", "${nope} = 1")
    with pytest.raises(FormError, match=r"(?i)row"):
        load_xlsform(broken.encode(), "broken.md")


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"PK\x03\x04 not really a workbook", "form.xlsx", "could not be read"),
        (b"hello", "form.csv", ".xlsx, .xls or .md"),
    ],
)
def test_files_that_are_not_forms_are_refused_cleanly(content, name, message):
    with pytest.raises(FormError, match=message.replace(".", r"\.")):
        load_xlsform(content, name)


@needs_examples
@pytest.mark.django_db
@pytest.mark.parametrize("name", LOADS)
def test_supported_examples_render_as_a_page_and_take_an_empty_check(name, client):
    from tests.builders import make_consultation, make_process

    process = make_process(slug="examples")
    form = (EXAMPLES / name).read_bytes()
    consultation = make_consultation(process, form=form, filename=name, slug="example")
    page = client.get(f"/consultations/{consultation.slug}/")
    assert page.status_code == 200
    assert 'id="answer-form"' in page.content.decode()
    check = client.post(f"/consultations/{consultation.slug}/check/", {"_state": "{}"})
    assert check.status_code == 200 and "errors" in check.json()
