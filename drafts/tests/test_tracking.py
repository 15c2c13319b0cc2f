"""Exports, diffs between revisions, anchors carried to a new revision, and influence."""

import pytest

from drafts import diffing, exporting, services
from drafts.models import Anchor, Influence
from drafts.services import Draft
from tests import builders

from .conftest import ETS_185

NEW_ARTICLE = (
    "## Article 4. Data interference\n\n1. Each State Party shall establish as an offence the "
    "damaging, deletion or alteration of electronic data without right.\n\n"
)
REVISED = builders.DRAFT_TEXT.replace(
    "information and communications technology system without right.",
    "information and communications technology system without right and with dishonest intent.",
).replace("## Article 4. Illegal interception", NEW_ARTICLE + "## Article 5. Illegal interception")


def test_akn_export_is_valid_against_the_akoma_ntoso_schema(revision):
    xml = exporting.to_akn(revision)
    assert exporting.akn_errors(xml) == []
    assert b'eId="chp_2__art_3__para_1"' in xml
    assert b'<FRBRlanguage language="eng"/>' in xml


@pytest.mark.django_db
def test_ets_185_exports_valid_akn_in_both_languages(process):
    text = builders.make_text(process, slug="ets")
    revision = services.import_revision(
        text, actor=None, content=ETS_185.read_bytes(), fmt="ets", title="ETS 185"
    )
    for language in ("en", "nl"):
        xml = exporting.to_akn(revision, language)
        assert exporting.akn_errors(xml) == [], language
    again = services.import_revision(
        text, actor=None, content=exporting.to_markdown(revision).encode(), title="again"
    )
    assert list(again.elements.values_list("eid", flat=True)) == list(
        revision.elements.values_list("eid", flat=True)
    )


def test_an_invalid_document_is_reported_by_the_schema():
    broken = (
        b'<akomaNtoso xmlns="http://docs.oasis-open.org/legaldocml/ns/akn/3.0"><bill/></akomaNtoso>'
    )
    assert exporting.akn_errors(broken)


def test_pdf_export_is_a_pdf(revision):
    pdf = exporting.to_pdf(exporting.to_html(revision, for_pdf=True))
    assert pdf.startswith(b"%PDF-")


def test_word_diff_keeps_words_whole():
    ops = diffing.word_diff("the access without right.", "the access without right and intent.")
    assert ops == [(0, "the access without right"), (1, " and intent"), (0, ".")]


def test_diff_finds_changed_renumbered_and_added_articles(text):
    old = builders.make_revision(text)
    new = builders.make_revision(text, REVISED, title="Revised")
    changes = {
        (c.old.eid if c.old else None, c.new.eid if c.new else None): c
        for c in diffing.compare(old, new)
    }
    assert changes[("chp_1__art_1", "chp_1__art_1")].status == "unchanged"
    changed = changes[("chp_2__art_3", "chp_2__art_3")]
    assert changed.status == "changed"
    assert (1, " and with dishonest intent") in changed.ops
    assert changes[("chp_2__art_4", "chp_2__art_5")].status == "renumbered"
    assert not changes[("chp_2__art_4", "chp_2__art_5")].changed_wording
    assert changes[(None, "chp_2__art_4")].status == "added"
    assert diffing.summary(list(changes.values()))["removed"] == 0


def test_a_removed_article_is_reported(text):
    old = builders.make_revision(text)
    new = builders.make_revision(text, builders.DRAFT_TEXT.split("## Article 4")[0], title="Short")
    statuses = {c.old.eid: c.status for c in diffing.compare(old, new) if c.old}
    assert statuses["chp_2__art_4"] == "removed"


def _published(revision, delegate, **fields):
    draft = Draft(kind="amendment", speaks_for="state:US", language="en", **fields)
    submission = services.create_submission(revision, actor=delegate, draft=draft)
    return services.submit_submission(submission, actor=delegate)


def test_anchors_are_carried_exact_fuzzy_or_orphaned_with_the_reason(
    text, delegate, django_capture_on_commit_callbacks
):
    old = builders.make_revision(text)
    exact = _published(
        old,
        delegate,
        element="chp_2__art_4__para_1",
        operation="delete",
        quote="made by technical means, ",
    )
    fuzzy = _published(
        old,
        delegate,
        element="chp_2__art_3__para_1",
        operation="replace",
        quote="system without right.",
        proposed_text="system without authorisation.",
    )
    gone = _published(
        old,
        delegate,
        element="chp_2__art_3__para_2",
        operation="delete",
        quote="by infringing security measures",
    )
    revised = REVISED.replace(
        "2. A State Party may require that the offence be committed by infringing security "
        "measures.",
        "2. A State Party may require a dishonest intent.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = builders.make_revision(text, revised, title="Revised")
    anchors = {a.submission_id: a for a in Anchor.objects.filter(revision=new)}
    assert anchors[exact.pk].status == "exact"
    assert anchors[exact.pk].element.eid == "chp_2__art_5__para_1"  # renumbered article
    assert anchors[fuzzy.pk].status == "fuzzy"
    assert anchors[fuzzy.pk].found.startswith("system without right")
    assert anchors[gone.pk].status == "orphaned"
    assert "no longer in the text" in anchors[gone.pk].reason


def test_influence_claims_only_what_it_can_show(text, delegate, django_capture_on_commit_callbacks):
    old = builders.make_revision(text)
    adopted = _published(
        old,
        delegate,
        element="chp_2__art_3__para_1",
        operation="replace",
        quote="without right",
        proposed_text="without right and with dishonest intent",
    )
    ignored = _published(
        old,
        delegate,
        element="chp_2__art_3__para_2",
        operation="replace",
        quote="infringing security measures",
        proposed_text="circumventing protection measures of any kind",
    )
    already = _published(
        old,
        delegate,
        element="chp_1__art_1",
        operation="insert",
        proposed_text="to prevent and combat cybercrime",
    )
    with django_capture_on_commit_callbacks(execute=True):
        new = builders.make_revision(text, REVISED, title="Revised")
    verdicts = {i.submission_id: i for i in Influence.objects.filter(revision=new)}
    assert verdicts[adopted.pk].verdict == "adopted"
    assert "dishonest intent" in verdicts[adopted.pk].evidence
    assert verdicts[ignored.pk].verdict == "not_reflected"
    assert verdicts[already.pk].verdict == "not_reflected"  # Article 1 did not change
