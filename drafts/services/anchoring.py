"""Carrying amendments' anchors to a new revision: each one is found again as written, found
changed (fuzzy), or marked orphaned with the reason; the pages say which."""

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..anchoring import find_again
from ..choices import AnchorStatus, SubmissionKind, SubmissionState
from ..diffing import match_articles
from ..models import Anchor, Revision, Submission
from ..selectors import Item, articles, tree

logger = logging.getLogger(__name__)


def _suffix(eid: str, article_eid: str) -> str:
    return eid[len(article_eid) :] if eid.startswith(article_eid) else ""


class _Counterparts:
    """For one source revision: which article of the new revision each article became."""

    def __init__(
        self, source: Revision, target_articles: list[Item], target_items: dict[str, Item]
    ):
        source_articles = articles(tree(source))
        self.items = {i.eid: i for root in tree(source) for i in root.walk()}
        self.article_of = {
            a.element.pk: b
            for a, b, _score in match_articles(source_articles, target_articles)
            if a
        }
        self.target_items = target_items


def _carry(submission: Submission, pairs: _Counterparts, target: Revision) -> Anchor:
    element = submission.element
    assert element is not None  # an amendment always has its element (a named constraint)
    article_item = pairs.article_of.get(element.article_id) if element.article_id else None
    anchor = Anchor(submission=submission, revision=target)
    if article_item is None:
        anchor.status = AnchorStatus.ORPHANED
        anchor.reason = _("The article was removed in this revision.")
        return anchor
    article_eid = element.article.eid if element.article else element.eid
    wanted = article_item.eid + _suffix(element.eid, article_eid)
    candidates = [i for i in article_item.walk() if i.eid == wanted] + [
        i for i in article_item.walk() if i.eid != wanted
    ]
    if not submission.quote_exact:
        same = candidates[0] if candidates[0].eid == wanted else None
        anchor.status = AnchorStatus.EXACT if same else AnchorStatus.ORPHANED
        anchor.element = same.element if same else None
        anchor.reason = "" if same else _("The element is no longer in the article.")
        return anchor
    rank = {"exact": 2, "fuzzy": 1, "orphaned": 0}
    best = None
    for item in candidates:
        found = find_again(
            item.text,
            exact=submission.quote_exact,
            prefix=submission.quote_prefix,
            suffix=submission.quote_suffix,
        )
        if best is None or (rank[found.status], found.score) > (
            rank[best[0].status],
            best[0].score,
        ):
            best = (found, item)
        if found.status == "exact":
            break
    if best is None:
        anchor.status = AnchorStatus.ORPHANED
        anchor.reason = _("The article has no text in this revision.")
        return anchor
    found, item = best
    anchor.status, anchor.score, anchor.reason = found.status, found.score, found.reason
    if found.status != AnchorStatus.ORPHANED:
        anchor.element, anchor.start, anchor.end, anchor.found = (
            item.element,
            found.start,
            found.end,
            found.text,
        )
    return anchor


def carry_forward(revision_id: int) -> int:
    """Re-attach every amendment made on earlier revisions of the text to this revision."""
    target = Revision.objects.select_related("text").filter(pk=revision_id).first()
    if target is None:
        return 0
    amendments = (
        Submission.objects.filter(
            revision__text_id=target.text_id,
            revision__number__lt=target.number,
            kind=SubmissionKind.AMENDMENT,
        )
        .exclude(state__in=[SubmissionState.WITHDRAWN, SubmissionState.DRAFT])
        .select_related("element__article", "revision")
    )
    target_roots = tree(target)
    target_articles = articles(target_roots)
    target_items = {i.eid: i for root in target_roots for i in root.walk()}
    by_source: dict[int, _Counterparts] = {}
    anchors = []
    for submission in amendments:
        if submission.revision_id not in by_source:
            by_source[submission.revision_id] = _Counterparts(
                submission.revision, target_articles, target_items
            )
        anchors.append(_carry(submission, by_source[submission.revision_id], target))
    with transaction.atomic():
        Anchor.objects.filter(revision=target).delete()
        Anchor.objects.bulk_create(anchors)
    logger.info("carried %s anchors to revision %s", len(anchors), revision_id)
    return len(anchors)


def carry_one(submission: Submission, target: Revision) -> Any:
    """Used by tests and the demo: carry one amendment to one revision, not stored."""
    roots = tree(target)
    pairs = _Counterparts(submission.revision, articles(roots), {})
    return _carry(submission, pairs, target)
