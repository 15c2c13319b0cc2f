"""Importing texts: Consulta's Markdown and the ETS 185 layout, in both its languages; bad
files refused with the line and what was expected, and nothing stored."""

import pytest

from drafts import services
from drafts.exceptions import UnreadableText
from drafts.models import Element, ElementText, Revision
from drafts.selectors import counts, tree
from tests import builders

from .conftest import ETS_185


def test_markdown_import_builds_the_tree_with_akn_ids(revision):
    eids = list(revision.elements.order_by("position").values_list("eid", flat=True))
    assert eids == [
        "preamble",
        "chp_1",
        "chp_1__art_1",
        "chp_1__art_2",
        "chp_1__art_2__point_a",
        "chp_1__art_2__point_b",
        "chp_1__art_2__point_c",
        "chp_1__art_2__point_c__point_i",
        "chp_1__art_2__point_c__point_ii",
        "chp_2",
        "chp_2__art_3",
        "chp_2__art_3__para_1",
        "chp_2__art_3__para_2",
        "chp_2__art_4",
        "chp_2__art_4__para_1",
    ]
    article = revision.elements.get(eid="chp_2__art_3")
    assert article.texts.get().heading == "Illegal access"
    para = revision.elements.get(eid="chp_2__art_3__para_1")
    assert para.article_id == article.pk and para.parent_id == article.pk
    # Lines of one paragraph are joined into one text.
    assert para.texts.get().text.startswith("Each State Party shall adopt such legislative")
    assert "communications technology system without right." in para.texts.get().text


@pytest.mark.django_db
def test_ets_185_imports_in_english_and_dutch_with_every_article_and_paragraph(process):
    text = builders.make_text(process, slug="ets-185", title="Convention on Cybercrime")
    revision = services.import_revision(
        text, actor=None, content=ETS_185.read_bytes(), fmt="ets", title="ETS No. 185"
    )
    assert revision.languages == ["en", "nl"]
    assert counts(revision) == {
        "preamble": 1,
        "chapter": 4,
        "section": 5,
        "title": 17,
        "article": 48,
        "paragraph": 130,
        "point": 99,
        "conclusions": 1,
    }
    assert ElementText.objects.filter(element__revision=revision, language="en").count() == 305
    assert ElementText.objects.filter(element__revision=revision, language="nl").count() == 305
    art2 = revision.elements.get(eid="chp_2__art_2")
    assert art2.texts.get(language="en").heading == "Illegal access"
    assert art2.texts.get(language="nl").heading == "Wederrechtelijke toegang"
    # Article 14(3) begins "a)Each Party" (no space) in English and "a.Iedere" in Dutch.
    point = revision.elements.get(eid="chp_2__art_14__para_3__point_a")
    assert point.texts.get(language="nl").text.startswith("Iedere Partij")
    roots = tree(revision, "nl")
    assert roots[0].text.startswith("De lidstaten van de Raad van Europa")
    assert roots[-1].text.startswith("TEN BLIJKE WAARVAN")


def test_duplicate_article_numbers_are_refused_with_the_line(text):
    content = builders.DRAFT_TEXT.replace("## Article 4. Illegal interception", "## Article 3. X")
    with pytest.raises(UnreadableText) as error:
        builders.make_revision(text, content)
    line = content.splitlines().index("## Article 3. X") + 1
    assert error.value.line == line
    assert "Article 3 appears twice" in str(error.value)
    assert not Revision.objects.exists() and not Element.objects.exists()


@pytest.mark.parametrize(
    ("content", "line", "message"),
    [
        ("## Article 1\n\ntext\n### Subheading\n", 4, "“#” for a chapter"),
        ("# Chapter I\n\n1. A paragraph before any article.\n", 3, "outside an article"),
        ("# Chapter I\n\n## Clause 1\n", 3, "## Article <number>"),
        ("# Chapter I\n\nNothing but words.\n", 3, "outside an article"),
        ("Just a preamble.\n", 1, "no article found"),
        ("## Article 1\n\n1. One.\n1. One again.\n", 4, "paragraph 1 appears twice"),
    ],
)
def test_unreadable_markdown_says_the_line_and_what_was_expected(text, content, line, message):
    with pytest.raises(UnreadableText) as error:
        builders.make_revision(text, content)
    assert error.value.line == line
    assert message in str(error.value)
    assert not Revision.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\x00\x01", "not a text file"),
        (b"\xff\xfe\x00A", "not a text file"),
        (b"caf\xe9", "not UTF-8"),
        (b"  \n", "empty"),
    ],
)
def test_files_that_are_not_text_are_refused(text, content, message):
    with pytest.raises(UnreadableText, match=message):
        services.import_revision(text, actor=None, content=content, title="x")
    assert not Revision.objects.exists()


def test_a_dutch_text_that_does_not_match_the_english_is_refused(process):
    text = builders.make_text(process, slug="ets")
    content = ETS_185.read_text().replace("### Artikel  48  ", "### Artikel  49  ")
    with pytest.raises(UnreadableText, match="nl version has chp_4__art_49"):
        services.import_revision(text, actor=None, content=content.encode(), fmt="ets", title="x")
    assert not Revision.objects.exists()


def test_a_language_version_is_added_with_the_same_tree(revision):
    french = builders.DRAFT_TEXT.replace("Statement of purpose", "Objet")
    services.add_language(revision, actor=None, content=french.encode(), language="fr")
    revision.refresh_from_db()
    assert revision.languages == ["en", "fr"]
    assert revision.elements.get(eid="chp_1__art_1").texts.get(language="fr").heading == "Objet"
    shorter = builders.DRAFT_TEXT.split("## Article 4")[0]
    with pytest.raises(UnreadableText, match="es version has"):
        services.add_language(revision, actor=None, content=shorter.encode(), language="es")
    assert not ElementText.objects.filter(language="es").exists()


def test_revisions_are_numbered_in_order(text):
    first = builders.make_revision(text)
    second = builders.make_revision(text, title="Revised draft text")
    assert (first.number, second.number) == (1, 2)
