"""Whether a revision reflects an amendment made on the one before: text reuse by local
alignment, in the manner of the Legislative Influence Detector (which aligns bills with model
legislation by Smith-Waterman), here with rapidfuzz's partial alignment.

Precision comes first: influence is claimed only for wording that is new in the later
revision (inserted by its diff with the earlier one), closely matches the proposal, and was
not already in the earlier text. Anything less reads "not reflected": not a finding that the
proposal was ignored, only that this cannot be shown.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

from .choices import Operation, Verdict
from .diffing import inserted_spans

ADOPTED = 90.0
PARTLY = 66.0
NEW_SHARE = 0.5  # at least this share of the matching passage must be new in the revision
SHORT = 3  # proposals of fewer words must be found whole


@dataclass(frozen=True)
class Finding:
    verdict: str
    score: float
    evidence: str = ""
    reason: str = ""
    span: tuple[int, int] = (0, 0)  # where the evidence lies in the new article's text


def _new_share(start: int, end: int, spans: list[tuple[int, int]]) -> float:
    if end <= start:
        return 0.0
    covered = sum(max(0, min(end, b) - max(start, a)) for a, b in spans)
    return covered / (end - start)


def _words(text: str) -> list[str]:
    return [w.strip(".,;:()«»“”\"'").lower() for w in text.split() if w.strip(".,;:()")]


def _stays_outside(quote: str, text: str, start: int, end: int) -> bool:
    """Whether the passage to be replaced is still in the text, away from the new wording."""
    at = text.find(quote)
    while at != -1:
        if at + len(quote) <= start or at >= end:
            return True
        at = text.find(quote, at + 1)
    return False


def _widen(text: str, start: int, end: int) -> str:
    """The matching passage, widened to whole words."""
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return text[start:end].strip()


def judge(
    *,
    operation: str,
    proposal: str,
    quote: str,
    old_text: str,
    new_text: str,
    ops: list[tuple[int, str]],
) -> Finding:
    """The verdict on one amendment, given its article's text before and after."""
    if not any(op != 0 for op, _chunk in ops):
        return Finding(Verdict.NOT_REFLECTED, 0.0, reason=_("The article did not change."))
    if operation == Operation.DELETE:
        return _judge_deletion(quote, old_text, new_text)
    replaced = quote if operation == Operation.REPLACE else ""
    return _judge_wording(proposal, replaced, old_text, new_text, inserted_spans(ops))


def _judge_deletion(quote: str, old_text: str, new_text: str) -> Finding:
    if not quote or quote not in old_text:
        return Finding(Verdict.NOT_REFLECTED, 0.0, reason=_("The passage could not be found."))
    if quote in new_text:
        return Finding(Verdict.NOT_REFLECTED, 0.0, reason=_("The passage is still in the text."))
    near = fuzz.partial_ratio_alignment(quote, new_text)
    score = near.score if near else 0.0
    if score < 60:
        return Finding(Verdict.ADOPTED, 100.0 - score, evidence="")
    evidence = _widen(new_text, near.dest_start, near.dest_end) if near else ""
    return Finding(
        Verdict.PARTLY,
        100.0 - score,
        evidence=evidence,
        reason=_("The passage was reworded rather than deleted."),
    )


def _judge_wording(
    proposal: str, quote: str, old_text: str, new_text: str, spans: list[tuple[int, int]]
) -> Finding:
    proposal = " ".join(proposal.split())
    if not proposal:
        return Finding(Verdict.NOT_REFLECTED, 0.0, reason=_("No wording was proposed."))
    lower_new = new_text.lower()
    found = fuzz.partial_ratio_alignment(proposal.lower(), lower_new)
    if found is None or len(lower_new) != len(new_text):
        return Finding(Verdict.NOT_REFLECTED, 0.0, reason=_("No matching passage."))
    score = found.score
    start, end = found.dest_start, found.dest_end
    evidence = _widen(new_text, start, end)
    already = fuzz.partial_ratio(proposal.lower(), old_text.lower())
    if already >= score:
        return Finding(
            Verdict.NOT_REFLECTED,
            score,
            evidence,
            _("This wording was already in the earlier revision."),
        )
    share = _new_share(start, end, spans)
    short = len(proposal.split()) < SHORT
    # Characters can line up by chance; the proposal's words must also be there, in order.
    words = _words(proposal)
    in_order = LCSseq.similarity(words, _words(evidence)) / len(words) if words else 0.0
    score = min(score, 100.0 * in_order)
    if share < NEW_SHARE:
        return Finding(Verdict.NOT_REFLECTED, score, evidence, _("The matching words are not new."))
    if score >= ADOPTED and (not short or score == 100.0):
        if quote and _stays_outside(quote, new_text, start, end):
            return Finding(
                Verdict.PARTLY,
                score,
                evidence,
                _("Added, but the passage it was to replace stays."),
                (start, end),
            )
        return Finding(Verdict.ADOPTED, score, evidence, span=(start, end))
    if score >= PARTLY and not short:
        return Finding(Verdict.PARTLY, score, evidence, span=(start, end))
    return Finding(
        Verdict.NOT_REFLECTED,
        score,
        evidence,
        _("The closest new wording is %(score)s%% similar.") % {"score": round(score)},
    )


def settle(findings: list[Finding]) -> list[Finding]:
    """One passage is evidence for the proposals it matches best: a claim is withdrawn where
    the same new wording matches another proposal on the article strictly better."""
    settled = []
    for finding in findings:
        if finding.verdict == Verdict.NOT_REFLECTED:
            settled.append(finding)
            continue
        a, b = finding.span
        better = any(
            other.verdict != Verdict.NOT_REFLECTED
            and other.score > finding.score
            and other.span[0] < b
            and a < other.span[1]
            for other in findings
        )
        if better:
            finding = Finding(
                Verdict.NOT_REFLECTED,
                finding.score,
                finding.evidence,
                _("The matching wording is better explained by another proposal."),
            )
        settled.append(finding)
    return settled
