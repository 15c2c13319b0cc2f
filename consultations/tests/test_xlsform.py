# ruff: noqa: E501  (the markdown form below is a table, one row a line)
from pathlib import Path

import pytest
from django.conf import settings

from consultations.xlsform import FormError, load_xlsform

EXAMPLES = Path(settings.BASE_DIR).parent / "shared" / "data" / "xlsform-examples" / "example_xls"

# Every example of the shared data either loads, or is refused naming what is not supported.
LOADS = [
    "attribute_columns_test.xlsx",
    "cascading_select_test_equivalent.xls",
    "choice_filter_test.xlsx",
    "default_time_demo.xls",
    "flat_xlsform_test.xlsx",
    "group.md",
    "or_other.xlsx",
    "repeat_date_test.xls",
    "specify_other.md",
    "survey_no_name.xlsx",
    "table-list.xls",
    "text_and_integer.md",
    "widgets.xls",
    "xml_escaping.xls",
    "xlsform_spec_test.xlsx",
    "yes_or_no_question.md",
    "yes_or_no_question.xlsx",
]
REFUSED = {
    "case_insensitivity.md": "select_one_external",
    "include.md": "include",
    "include_json.md": "include",
    "loop.md": "loop",
    "pull_data.xlsx": "pulldata()",
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


# The examples that ask for a photo, a recording and a video: every question read, uploads too.
WITH_UPLOADS = {
    "attribute_columns_test.xlsx": 48,
    "flat_xlsform_test.xlsx": 46,
    "widgets.xls": 40,
    "xlsform_spec_test.xlsx": 47,
}


@needs_examples
@pytest.mark.parametrize("name, count", sorted(WITH_UPLOADS.items()))
def test_the_examples_with_uploads_load_every_question(name, count):
    form = load_xlsform((EXAMPLES / name).read_bytes(), name)
    types = [q.type for q in form.questions()]
    assert len(types) == count
    assert {"image", "audio", "video", "geopoint", "barcode"} <= set(types)


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


# Limits that keep a form from holding a worker ---------------------------------------------------

ONE_TEXT = """
| survey |
| | type | name | label | constraint |
| | text | code | Code | {constraint} |
"""


@pytest.mark.parametrize("pattern", [r"^(\w)\1$", "^(?=a).*$", "^(?<!x)a$", "^(?!a)"])
def test_a_regex_re2_cannot_run_is_refused_at_upload_with_its_row(pattern):
    source = ONE_TEXT.format(constraint=f"regex(., '{pattern}')")
    with pytest.raises(FormError) as refused:
        load_xlsform(source.encode(), "form.md")
    message = str(refused.value)
    assert message.startswith("Sheet survey, row 2, column constraint: question “code”")
    assert pattern in message and "back-references" in message and "look-arounds" in message


def test_a_broken_regex_is_refused_at_upload():
    with pytest.raises(FormError, match="row 2, column constraint.*cannot be used"):
        load_xlsform(ONE_TEXT.format(constraint="regex(., '(a')").encode(), "form.md")


def test_a_regex_re2_can_run_loads():
    source = ONE_TEXT.format(constraint=r"regex(., '^[A-Z]{2}\d{4}$')")
    assert load_xlsform(source.encode(), "form.md").questions()[0].constraint


def nested(depth, kind="group"):
    """`depth` groups (or repeats) one in another, a text question in the innermost."""
    rows = ["| survey |", "| | type | name | label |"]
    rows += [f"| | begin {kind} | level{i} | Level {i} |" for i in range(1, depth + 1)]
    rows.append("| | text | inside | Inside |")
    rows += [f"| | end {kind} | | |"] * depth
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("kind", ["group", "repeat"])
@pytest.mark.parametrize("depth", [31, 600])
def test_groups_nested_too_deeply_are_refused_naming_the_row(kind, depth):
    with pytest.raises(FormError) as refused:
        load_xlsform(nested(depth, kind).encode(), "deep.md")
    # Header is row 1, level1 row 2: level31 is the first one too deep.
    assert str(refused.value).startswith("Sheet survey, row 32, column type:")
    assert "level31" in str(refused.value) and "30 levels" in str(refused.value)


def test_thirty_levels_of_groups_load():
    form = load_xlsform(nested(30).encode(), "deep.md")
    assert form.questions()[-1].name == "inside"


@pytest.mark.django_db
def test_the_upload_service_refuses_a_deep_form_and_creates_nothing(process):
    from consultations.models import Consultation
    from tests.builders import make_consultation

    with pytest.raises(FormError, match="row 32"):
        make_consultation(process, form=nested(600), filename="deep.md")
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_shows_the_error_for_a_deep_form(client, process, process_secretariat):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultations.models import Consultation

    client.force_login(process_secretariat, backend="django.contrib.auth.backends.ModelBackend")
    data = {
        "title": "Deep",
        "slug": "deep",
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2027-01-01T09:00",
        "audience": "public",
        "identity": "confidential",
        "layout": "one_page",
        "form_file": SimpleUploadedFile("deep.md", nested(600).encode()),
    }
    response = client.post(f"/processes/{process.slug}/consultations/new/", data)
    assert response.status_code == 400
    assert "Sheet survey, row 32, column type" in response.content.decode()
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_the_import_command_names_the_row_of_a_deep_form(process, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "deep.md"
    path.write_text(nested(600))
    with pytest.raises(CommandError, match="deep.md: Sheet survey, row 32, column type"):
        call_command("import_form", str(path), "--process", process.slug, "--slug", "deep")


@pytest.mark.django_db
def test_a_form_at_the_depth_limit_renders_and_checks(client, process):
    from tests.builders import make_consultation

    consultation = make_consultation(process, form=nested(30), filename="deep.md", slug="deep")
    assert client.get(f"/consultations/{consultation.slug}/").status_code == 200
    check = client.post(f"/consultations/{consultation.slug}/check/", {"_state": "{}"})
    assert check.status_code == 200 and "errors" in check.json()


MAX_LENGTH = """
| survey |
| | type | name | label | body::maxlength |
| | text | short | Short | {value} |
"""


def test_a_form_may_set_the_length_of_a_text_answer():
    form = load_xlsform(MAX_LENGTH.format(value="50000").encode(), "form.md")
    assert form.questions()[0].max_length == 50_000


@pytest.mark.parametrize("value", ["0", "-3", "many", "100001"])
def test_a_length_out_of_bounds_is_refused_with_its_row(value):
    with pytest.raises(FormError, match=r"row 2, column body::maxlength: .*100,000"):
        load_xlsform(MAX_LENGTH.format(value=value).encode(), "form.md")
