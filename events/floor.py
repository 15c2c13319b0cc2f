"""The proposed order of stakeholder statements under one agenda item.

Accredited organisations request the floor; the secretariat wants an order that balances
constituencies (NGO, academia, private sector, ...), the UN regional groups, and alternates
gender where the spokesperson declared it, and that says, line by line, why each speaker comes
next. `propose_order` is a greedy choice: at each turn it takes the request that best spreads
what has been heard so far, the earliest request breaking ties, so the result is stable and
fair to those who asked first.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FloorRequest:
    key: Any  # the caller's own id for the request
    constituency: str  # the organisation's kind: ngo, academia, private, ...
    region: str  # the UN regional group ("" when outside the groups)
    gender: str  # as declared ("" when not declared)
    requested_at: datetime


@dataclass(frozen=True)
class Turn:
    request: FloorRequest
    reasons: tuple[str, ...]


def _score(candidate: FloorRequest, heard: list[FloorRequest]) -> tuple[int, int, int]:
    """Lower is better: constituency heard least, region heard least, gender alternated."""
    constituencies = Counter(r.constituency for r in heard)
    regions = Counter(r.region for r in heard)
    last_gender = next((r.gender for r in reversed(heard) if r.gender), "")
    alternates = (
        0 if not candidate.gender or not last_gender or candidate.gender != last_gender else 1
    )
    return constituencies[candidate.constituency], regions[candidate.region], alternates


def _reasons(chosen: FloorRequest, heard: list[FloorRequest]) -> tuple[str, ...]:
    if not heard:
        return (_("Requested the floor first."),)
    reasons = []
    constituencies = Counter(r.constituency for r in heard)
    regions = Counter(r.region for r in heard)
    if constituencies[chosen.constituency] == 0:
        reasons.append(_("Its constituency has not spoken yet."))
    elif constituencies[chosen.constituency] == min(constituencies.values()):
        reasons.append(_("Its constituency has spoken least so far."))
    if chosen.region and regions[chosen.region] == 0:
        reasons.append(_("Its regional group has not spoken yet."))
    last_gender = next((r.gender for r in reversed(heard) if r.gender), "")
    if chosen.gender and last_gender and chosen.gender != last_gender:
        reasons.append(_("Alternates the gender of the previous declared speaker."))
    if not reasons:
        reasons.append(_("Earliest of the remaining requests."))
    return tuple(reasons)


def propose_order(
    requests: Sequence[FloorRequest], heard_already: Sequence[FloorRequest] = ()
) -> list[Turn]:
    """Every request once, in a balanced order, each with why it comes there; statements
    already given count as heard."""
    waiting = sorted(requests, key=lambda r: (r.requested_at, str(r.key)))
    heard: list[FloorRequest] = list(heard_already)
    turns = []
    while waiting:
        chosen = min(waiting, key=lambda r: (*_score(r, heard), r.requested_at, str(r.key)))
        turns.append(Turn(chosen, _reasons(chosen, heard)))
        heard.append(chosen)
        waiting.remove(chosen)
    return turns
