import pytest
from django.contrib.auth.models import AnonymousUser

from core.models import AuditEntry
from reports.exceptions import BlockRefused, ReportMismatch
from reports.models import Block, Report
from reports.selectors import report_for, reports_visible_to, sources_of
from reports.services import add_block, create_report, publish_report
from tests.builders import GOOD_ANSWERS, make_consultation, make_process, make_user, submit

pytestmark = pytest.mark.django_db

COMMENT = "Public-private partnerships need independent oversight."


@pytest.fixture
def world():
    process = make_process()
    other = make_process(slug="other-process", name="Other")
    staff = make_user("staff@example.org", role="secretariat", process=process)
    consultation = make_consultation(process)
    response = submit(consultation, answers={**GOOD_ANSWERS, "comment": COMMENT})
    submit(consultation)
    foreign = make_consultation(other, slug="foreign-survey")
    return {"process": process, "staff": staff, "c": consultation, "r": response, "f": foreign}


def _report(world):
    report = create_report(world["process"], actor=world["staff"], title="What we heard")
    add_block(report, actor=world["staff"], kind="text", params={"markdown": "**Summary**"})
    add_block(
        report,
        actor=world["staff"],
        kind="consultation_responses",
        params={"consultation_id": world["c"].pk},
    )
    add_block(
        report,
        actor=world["staff"],
        kind="consultation_quote",
        params={
            "consultation_id": world["c"].pk,
            "response_id": world["r"].pk,
            "field": "comment",
            "start": 0,
            "end": 29,
        },
    )
    return report


def test_blocks_store_a_snapshot_with_sources(world):
    report = _report(world)
    figures, quote = report.blocks.all()[1:]
    assert figures.snapshot["responses"] == 2
    assert quote.snapshot["quote"] == COMMENT[:29]
    assert {s["type"] for s in sources_of(report)} == {
        "consultations.consultation",
        "consultations.response",
    }


def test_clean_report_is_published_and_public(world):
    report = publish_report(_report(world), actor=world["staff"])
    assert report.published_at is not None
    assert report_for(AnonymousUser(), report.pk).title == "What we heard"
    assert AuditEntry.objects.filter(action="reports.report.published").exists()


def test_tampered_quote_and_figure_are_refused_with_the_list(world):
    report = _report(world)
    Block.objects.filter(report=report, kind="consultation_quote").update(
        snapshot={**report.blocks.get(kind="consultation_quote").snapshot, "quote": "Edited"}
    )
    Block.objects.filter(report=report, kind="consultation_responses").update(
        snapshot={"title": "Small survey", "responses": 3}
    )
    with pytest.raises(ReportMismatch) as refused:
        publish_report(report, actor=world["staff"])
    assert len(refused.value.mismatches) == 2
    assert "Edited" in refused.value.mismatches[1]
    assert "3" in refused.value.mismatches[0]
    assert Report.objects.get(pk=report.pk).status == "draft"


def test_figure_that_changed_since_the_snapshot_is_refused(world):
    report = _report(world)
    submit(world["c"])
    with pytest.raises(ReportMismatch):
        publish_report(report, actor=world["staff"])


def test_block_on_another_process_is_refused_and_nothing_stored(world):
    report = create_report(world["process"], actor=world["staff"], title="R")
    with pytest.raises(BlockRefused):
        add_block(
            report,
            actor=world["staff"],
            kind="consultation_responses",
            params={"consultation_id": world["f"].pk},
        )
    assert not report.blocks.exists()


def test_bad_offsets_and_unknown_kind_are_refused(world):
    report = create_report(world["process"], actor=world["staff"], title="R")
    for kind, params in [
        (
            "consultation_quote",
            {
                "consultation_id": world["c"].pk,
                "response_id": world["r"].pk,
                "field": "comment",
                "start": 5,
                "end": 9999,
            },
        ),
        (
            "consultation_quote",
            {
                "consultation_id": world["c"].pk,
                "response_id": world["r"].pk,
                "field": "comment",
                "start": "x",
            },
        ),
        ("nonsense", {}),
        ("text", {"markdown": "  "}),
    ]:
        with pytest.raises(BlockRefused):
            add_block(report, actor=world["staff"], kind=kind, params=params)
    assert not report.blocks.exists()


def test_wrong_role_may_not_compose(world):
    outsider = make_user("other@example.org", role="secretariat", process=make_process(slug="x3"))
    with pytest.raises(BlockRefused):
        create_report(world["process"], actor=outsider, title="R")
    with pytest.raises(BlockRefused):
        create_report(world["process"], actor=AnonymousUser(), title="R")


def test_drafts_only_for_the_process_secretariat(world):
    report = _report(world)
    assert list(reports_visible_to(AnonymousUser())) == []
    outsider = make_user("other@example.org", role="secretariat", process=make_process(slug="x4"))
    assert list(reports_visible_to(outsider)) == []
    assert list(reports_visible_to(world["staff"])) == [report]


def test_move_and_remove_are_audited_and_keep_positions_dense(world):
    from reports.services import move_block, remove_block

    report = _report(world)
    text, figures, quote = report.blocks.order_by("position")
    move_block(quote, actor=world["staff"], up=True)
    move_block(text, actor=world["staff"], up=True)  # first already: nothing moves
    assert list(report.blocks.values_list("kind", flat=True)) == [
        "text",
        "consultation_quote",
        "consultation_responses",
    ]
    remove_block(text, actor=world["staff"])
    assert list(report.blocks.values_list("position", flat=True)) == [1, 2]
    assert AuditEntry.objects.filter(action="reports.block.moved").count() == 1
    assert AuditEntry.objects.filter(action="reports.block.removed").exists()
    outsider = make_user("x5@example.org", role="secretariat", process=make_process(slug="x5"))
    with pytest.raises(BlockRefused):
        remove_block(report.blocks.first(), actor=outsider)
    assert report.blocks.count() == 2


def test_a_quote_edited_by_hand_is_refused_and_an_exact_one_found(world):
    report = create_report(world["process"], actor=world["staff"], title="R")
    base = {"consultation_id": world["c"].pk, "response_id": world["r"].pk, "field": "comment"}
    for quote in ("Public-private partnerships need oversight.", "need Independent oversight"):
        with pytest.raises(BlockRefused, match="quote it exactly"):
            add_block(
                report,
                actor=world["staff"],
                kind="consultation_quote",
                params=base | {"quote": quote},
            )
    with pytest.raises(BlockRefused, match="quote it exactly"):
        add_block(
            report,
            actor=world["staff"],
            kind="consultation_quote",
            params=base | {"quote": "Edited", "start": 0, "end": 6},
        )
    assert not report.blocks.exists()
    block = add_block(
        report,
        actor=world["staff"],
        kind="consultation_quote",
        params=base | {"quote": "independent oversight"},
    )
    assert block.snapshot["start"] == COMMENT.index("independent")
    assert block.snapshot["quote"] == "independent oversight"
