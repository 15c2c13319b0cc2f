from datetime import UTC, datetime

import pytest

from consultations.tests.test_expressions import EMAIL
from consultations.tests.test_xlsform import MULTILINGUAL
from consultations.validation import validate_submission
from consultations.xlsform import load_xlsform

CLOCK = {"clock": lambda: datetime(2024, 5, 13, 12, 0, tzinfo=UTC)}


@pytest.fixture(scope="module")
def form():
    return load_xlsform(MULTILINGUAL.encode(), "ppp.md")


def test_a_good_submission_is_cleaned(form):
    result = validate_submission(
        form,
        {"sector": "ngo", "staff": 12, "partnership": [{"ppp_start": "2023-01-05"}]},
        "en",
        **CLOCK,
    )
    assert result.valid, result.errors
    assert result.answers == {
        "sector": "ngo",
        "staff": 12,
        "partnership": [{"ppp_start": "2023-01-05"}],
    }


def test_errors_name_their_field_and_use_the_forms_message_in_the_language(form):
    result = validate_submission(
        form,
        {
            "staff": 1_000_000,
            "partnership": [{"ppp_start": "2023-01-05"}, {"ppp_start": "2030-01-01"}],
        },
        "fr",
        **CLOCK,
    )
    assert result.errors == [
        {"field": "sector", "message": "Please choose"},  # no French text: the default language
        {"field": "staff", "message": "Entre 0 et 100 000"},
        {"field": "partnership[2].ppp_start", "message": "Pas dans le futur"},
    ]


def test_answers_to_questions_that_do_not_apply_are_dropped(form):
    result = validate_submission(form, {"sector": "state", "staff": 5}, "en", **CLOCK)
    assert result.valid and "staff" not in result.answers


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"sector": "pirates"}, "sector"),
        ({"sector": "ngo", "staff": "twelve"}, "staff"),
        ({"sector": "ngo", "staff": 1.5}, "staff"),
        ({"sector": "ngo", "staff": True}, "staff"),
        ({"sector": "ngo", "partnership": {"ppp_start": "2023-01-01"}}, "partnership"),
        (
            {"sector": "ngo", "partnership": [{"ppp_start": "13/05/2024"}]},
            "partnership[1].ppp_start",
        ),
        ({"sector": "ngo", "partnership": [{"nope": 1}]}, "partnership[1].nope"),
        ({"sector": "ngo", "nope": 1}, "nope"),
        ({"sector": "ngo", "ppp_start": "2023-01-01"}, "ppp_start"),
    ],
)
def test_wrong_shapes_are_errors_on_the_right_field(form, answers, field):
    result = validate_submission(form, answers, "en", **CLOCK)
    assert field in {e["field"] for e in result.errors}


def test_answers_must_be_an_object(form):
    assert validate_submission(form, ["x"], "en").errors[0]["field"] == "answers"


KINDS = """
| survey |
| | type | name | label | choice_filter | parameters | calculation | required |
| | select_one country | country | Country | | | | |
| | select_one city | city | City | country=${country} | | | |
| | select_multiple areas | areas | Areas | | | | |
| | range | score | Score | | start=1 end=5 step=1 | | |
| | calculate | doubled | | | | ${score} * 2 | |
| | acknowledge | consent | I agree | | | | yes |
| | rank areas | order | Order | | | | |
| choices |
| | list_name | name | label | country |
| | country | KE | Kenya | |
| | country | FR | France | |
| | city | nairobi | Nairobi | KE |
| | city | paris | Paris | FR |
| | areas | ai | AI | |
| | areas | ppp | PPP | |
"""


def test_choice_filters_ranges_calculations_and_ranks_are_enforced():
    form = load_xlsform(KINDS.encode(), "kinds.md")
    good = validate_submission(
        form,
        {
            "country": "KE",
            "city": "nairobi",
            "areas": ["ai"],
            "score": 4,
            "consent": "OK",
            "order": ["ppp", "ai"],
        },
    )
    assert good.valid, good.errors
    assert good.answers["doubled"] == 8
    bad = validate_submission(
        form,
        {
            "country": "KE",
            "city": "paris",
            "areas": ["ai", "ai"],
            "score": 6,
            "order": ["ai"],
            "doubled": 99,
        },
    )
    assert {e["field"] for e in bad.errors} == {"city", "areas", "score", "consent", "order"}


LIMITS = f"""
| survey |
| | type | name | label | constraint | body::maxlength |
| | text | email | E-mail | regex(., '{EMAIL}') | |
| | text | statement | Statement | | 50000 |
| | text | initials | Initials | | 3 |
"""


@pytest.fixture(scope="module")
def limited():
    return load_xlsform(LIMITS.encode(), "limits.md")


def test_a_text_answer_is_at_most_ten_thousand_characters_by_default(limited):
    result = validate_submission(limited, {"email": "a@a." + "a" * 59_995 + "!"}, "en")
    assert result.errors == [
        {"field": "email", "message": "This answer is too long: at most 10,000 characters."}
    ]
    assert validate_submission(limited, {"email": "a" * 10_000 + "@example.org"}, "en").errors


def test_a_form_can_allow_longer_or_shorter_text_answers(limited):
    assert validate_submission(limited, {"statement": "x" * 50_000}, "en").valid
    long = validate_submission(limited, {"statement": "x" * 50_001}, "en")
    assert long.errors == [
        {"field": "statement", "message": "This answer is too long: at most 50,000 characters."}
    ]
    assert validate_submission(limited, {"initials": "ABC"}, "en").valid
    assert not validate_submission(limited, {"initials": "ABCD"}, "en").valid


def test_a_long_answer_within_the_limit_is_checked_by_its_constraint(limited):
    good = validate_submission(limited, {"email": "someone@example.org"}, "en")
    assert good.valid, good.errors
    bad = validate_submission(limited, {"email": "a@a." + "a" * 9_000 + "!"}, "en")
    assert bad.errors == [{"field": "email", "message": "This answer is not allowed."}]


def test_a_calculation_that_is_not_a_number_stores_no_value():
    # `${score} * 2` with no score is NaN, which JSON cannot hold: the answer is stored blank.
    import json

    form = load_xlsform(KINDS.encode(), "kinds.md")
    result = validate_submission(
        form,
        {"country": "KE", "city": "nairobi", "areas": ["ai"], "consent": "OK", "order": ["ai"]},
    )
    assert result.answers.get("doubled", "") == ""
    json.loads(json.dumps(result.answers, allow_nan=False))
