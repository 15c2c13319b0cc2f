"""Influence tracking: for each published amendment on the revision before this one, whether
this revision reflects it, with the evidence side by side and the score."""

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ..choices import SubmissionKind, SubmissionState, Verdict
from ..diffing import match_articles, word_diff
from ..influence import Finding, judge, settle
from ..models import Influence, Revision, Submission
from ..selectors import articles, plain_text, previous_of, tree

logger = logging.getLogger(__name__)


def track_influence(revision_id: int) -> int:
    """Judge every published amendment on the previous revision against this one."""
    target = Revision.objects.select_related("text").filter(pk=revision_id).first()
    source = previous_of(target) if target else None
    if target is None or source is None:
        return 0
    old_articles = articles(tree(source))
    new_articles = articles(tree(target))
    counterpart = {a.element.pk: b for a, b, _s in match_articles(old_articles, new_articles) if a}
    old_by_pk = {a.element.pk: a for a in old_articles}
    texts: dict[int, tuple[str, str, list[tuple[int, str]]]] = {}
    rows = []
    by_article: dict[int, list[tuple[Submission, Finding]]] = {}
    amendments = Submission.objects.filter(
        revision=source, kind=SubmissionKind.AMENDMENT, state=SubmissionState.PUBLISHED
    ).select_related("element")
    for submission in amendments.iterator(2000):
        article_id = submission.element.article_id if submission.element else None
        new = counterpart.get(article_id) if article_id else None
        if new is None or article_id not in old_by_pk:
            gone = Finding(
                Verdict.NOT_REFLECTED, 0.0, reason=_("The article is not in this revision.")
            )
            rows.append(_row(submission, target, None, gone))
            continue
        if article_id not in texts:
            old_text, new_text = plain_text(old_by_pk[article_id]), plain_text(new)
            texts[article_id] = (old_text, new_text, word_diff(old_text, new_text))
        old_text, new_text, ops = texts[article_id]
        finding = judge(
            operation=submission.operation,
            proposal=submission.proposed_text,
            quote=submission.quote_exact,
            old_text=old_text,
            new_text=new_text,
            ops=ops,
        )
        by_article.setdefault(article_id, []).append((submission, finding))
    for article_id, judged in by_article.items():
        matched = counterpart[article_id]
        element = matched.element if matched is not None else None
        settled = settle([f for _s, f in judged])
        rows += [_row(s, target, element, f) for (s, _f), f in zip(judged, settled, strict=True)]
    with transaction.atomic():
        Influence.objects.filter(revision=target).delete()
        Influence.objects.bulk_create(rows, batch_size=1000)
    logger.info("judged %s amendments against revision %s", len(rows), revision_id)
    return len(rows)


def _row(submission: Submission, target: Revision, element: Any, finding: Finding) -> Influence:
    return Influence(
        submission=submission,
        revision=target,
        element=element,
        verdict=finding.verdict,
        score=round(finding.score, 1),
        proposed=submission.proposed_text or submission.quote_exact,
        evidence=finding.evidence,
        reason=finding.reason[:300],
    )
