# ruff: noqa: E501  (the markdown forms below are tables, one row a line)
"""What the results page and endpoint draw: bars that follow the answers, periods of a readable
length, worked-out values, and written answers grouped and paged."""

import re
from datetime import date, timedelta

import pytest

from tests.builders import make_consultation, make_token, submit

pytestmark = pytest.mark.django_db

NUMBERS_FORM = """
| survey |
| | type | name | label | constraint | parameters | calculation |
| | range | rating | How useful was it? (1-5) | | start=1 end=5 step=1 | |
| | integer | partnerships | How many partnerships | . >= 1 and . <= 5 | | |
| | integer | staff | How many staff | . >= 0 and . <= 100000 | | |
| | decimal | budget | Budget (millions) | | | |
| | date | started | When did it start? | | | |
| | text | comment | Comment | | | |
| settings |
| | form_title | form_id |
| | Numbers | numbers |
"""


def numbers_consultation(process, identity="confidential"):
    return make_consultation(process, form=NUMBERS_FORM, identity=identity, slug="numbers")


def answer(consultation, **answers):
    return submit(consultation, answers=answers)


def results(client, consultation, token, query=""):
    response = client.get(
        f"/api/v1/consultations/{consultation.slug}/results{query}",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    return response.json()


def rows(payload, name):
    question = next(q for q in payload["questions"] if q["name"] == name)
    return [(r["label"], r["count"]) for r in question["rows"]]


@pytest.fixture
def token(process_secretariat):
    return make_token(process_secretariat)


def test_a_short_scale_has_one_bar_per_value_with_its_count(client, process, token):
    consultation = numbers_consultation(process)
    for rating, times in ((1, 20), (2, 35), (3, 60), (4, 80), (5, 45)):
        for _ in range(times):
            answer(consultation, rating=rating, partnerships=min(rating, 3))
    payload = results(client, consultation, token)
    assert rows(payload, "rating") == [("1", 20), ("2", 35), ("3", 60), ("4", 80), ("5", 45)]
    # The form's constraint sets the scale: 4 and 5 are drawn though nobody chose them.
    assert rows(payload, "partnerships") == [
        ("1", 20),
        ("2", 35),
        ("3", 185),
        ("4", "<5"),
        ("5", "<5"),
    ]


def test_the_results_page_draws_a_bar_for_each_value(client, login, process, process_secretariat):
    consultation = numbers_consultation(process)
    for rating in [1] * 6 + [2] * 7 + [3] * 9 + [4] * 12 + [5] * 8:
        answer(consultation, rating=rating)
    html = (
        login(process_secretariat)
        .get(f"/consultations/{consultation.slug}/results/")
        .content.decode()
    )
    rating = html[html.index("How useful was it?") : html.index("How many partnerships")]
    assert rating.count("<rect") == 5
    assert [
        re.sub(r"<.*?>", "", label)
        for label in re.findall(r'class="chart-label">(.*?)</text>', rating)
    ] == ["1", "2", "3", "4", "5"]


def test_wide_numbers_fall_in_round_bins_and_no_label_shows_a_lone_answer(client, process, token):
    consultation = numbers_consultation(process)
    for staff in range(0, 1000, 4):  # 250 answers spread from 0 to 996
        answer(consultation, staff=staff)
    answer(consultation, staff=98765)  # one answer far above the others
    labels = [label for label, _count in rows(results(client, consultation, token), "staff")]
    assert labels == [
        "0–99",
        "100–199",
        "200–299",
        "300–399",
        "400–499",
        "500–599",
        "600–699",
        "700–799",
        "800–899",
        "900 or more",
    ]
    assert not any("98" in label and "765" in label for label in labels)


def test_attributed_results_bin_what_was_answered_exactly(client, process, token):
    consultation = numbers_consultation(process, identity="attributed")
    for budget in (0.5, 1.25, 2, 3.5, 4.75, 5, 6.5, 7, 8.25, 9, 10.5, 11, 12.5, 14):
        answer(consultation, budget=budget)
    assert rows(results(client, consultation, token), "budget") == [
        ("0–2", 2),
        ("2–4", 2),
        ("4–6", 2),
        ("6–8", 2),
        ("8–10", 2),
        ("10–12", 2),
        ("12–14", 2),
    ]


def test_few_distinct_numbers_are_one_bar_each(client, process, token):
    consultation = numbers_consultation(process)
    for staff in [0] * 10 + [3] * 12 + [40] * 6 + [150] * 5:
        answer(consultation, staff=staff)
    assert rows(results(client, consultation, token), "staff") == [
        ("0", 10),
        ("3", 12),
        ("40", 6),
        ("150", 5),
    ]


def test_dates_over_years_are_drawn_by_year(client, process, token):
    consultation = numbers_consultation(process)
    first = date(2015, 1, 1)
    for day in range(0, 9 * 365, 9):  # 365 answers over nine years
        answer(consultation, started=(first + timedelta(days=day)).isoformat())
    labels = [label for label, _count in rows(results(client, consultation, token), "started")]
    assert labels == [str(year) for year in range(2015, 2024)]


def test_dates_over_a_few_years_are_drawn_by_quarter(client, process, token):
    consultation = numbers_consultation(process, identity="attributed")
    for month in range(30):
        answer(consultation, started=date(2020 + month // 12, month % 12 + 1, 10).isoformat())
    labels = [label for label, _count in rows(results(client, consultation, token), "started")]
    assert len(labels) == 10
    assert labels[0] == "Q1 2020" and labels[-1] == "Q2 2022"


def test_dates_within_a_year_are_drawn_by_month(client, process, token):
    consultation = numbers_consultation(process, identity="attributed")
    for month in range(1, 13):
        answer(consultation, started=date(2024, month, 3).isoformat())
    drawn = rows(results(client, consultation, token), "started")
    assert drawn == [(f"2024-{month:02d}", 1) for month in range(1, 13)]


def test_a_labelled_calculation_is_drawn_and_an_unlabelled_one_left_out(client, process, token):
    form = """
| survey |
| | type | name | label | parameters | calculation |
| | range | rating | How useful was it? (1-5) | start=1 end=5 step=1 | |
| | calculate | doubled | Twice the rating | | ${rating} * 2 |
| | calculate | internal | | | ${rating} + 1 |
"""
    consultation = make_consultation(process, form=form)
    for rating in [1] * 5 + [2] * 6 + [3] * 7:
        answer(consultation, rating=rating)
    payload = results(client, consultation, token)
    names = [q["name"] for q in payload["questions"]]
    assert "internal" not in names
    # A short run of whole numbers is drawn value by value, gaps included.
    assert rows(payload, "doubled") == [("2", 5), ("3", "<5"), ("4", 6), ("5", "<5"), ("6", 7)]


def test_a_calculation_that_is_not_a_number_is_left_out(client, process, token):
    form = """
| survey |
| | type | name | label | calculation |
| | text | first | First name | |
| | calculate | greeting | Greeting | concat('Hello ', ${first}) |
"""
    consultation = make_consultation(process, form=form)
    for _ in range(6):
        answer(consultation, first="Amina")
    payload = results(client, consultation, token)
    assert [q["name"] for q in payload["questions"]] == ["first"]
    assert "Hello" not in str(payload)


class TestWrittenAnswers:
    def page(self, client, consultation, query=""):
        response = client.get(f"/consultations/{consultation.slug}/results/{query}")
        assert response.status_code == 200
        return response.content.decode()

    def test_identical_answers_are_shown_once_with_their_count(
        self, client, login, process, process_secretariat
    ):
        consultation = numbers_consultation(process)
        for _ in range(122):
            answer(consultation, comment="Fund national CERTs to work with civil society.")
        answer(consultation, comment="  fund national CERTs to work   with civil society. ")
        answer(consultation, comment="Publish the terms of every partnership.")
        html = self.page(login(process_secretariat), consultation)
        assert html.count("Fund national CERTs to work with civil society.") == 1
        assert "(123 answers)" in html
        assert "Publish the terms of every partnership." in html

    def test_many_answers_are_paged_and_the_pages_work_without_javascript(
        self, client, login, process, process_secretariat
    ):
        consultation = numbers_consultation(process)
        for number in range(60):
            answer(consultation, comment=f"Recommendation number {number}.")
        client = login(process_secretariat)
        first = self.page(client, consultation)
        assert first.count("Recommendation number") == 50
        assert "Page 1 of 2" in first
        link = re.search(r'href="\?([^"]*page=2[^"]*)"', first).group(1).replace("&amp;", "&")
        second = self.page(client, consultation, "?" + link.split("#")[0])
        assert second.count("Recommendation number") == 10
        assert "Page 2 of 2" in second

    def test_attributed_answers_name_who_gave_them(
        self, client, login, process, process_secretariat
    ):
        from tests.builders import make_user

        consultation = numbers_consultation(process, identity="attributed")
        for number in range(5):
            person = make_user(f"person{number}@example.org")
            person.display_name = f"Person {number}"
            person.save()
            submit(consultation, person, answers={"comment": "Same words."})
        html = self.page(login(process_secretariat), consultation)
        assert "(5 answers)" in html
        assert "and 2 others" in html
