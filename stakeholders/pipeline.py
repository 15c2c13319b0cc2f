"""The accreditation pipeline's steps: which states allow which step, and who takes it.

Pure rules about an application's state and track, read by the services (before a transition)
and by the selectors (to show the steps open now), so that both say the same.
"""

from dataclasses import dataclass

from .choices import ApplicationState as S
from .choices import Track
from .models import Application, Organisation


@dataclass(frozen=True)
class Action:
    name: str
    from_states: frozenset[str]
    by_secretariat: bool


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("submit", frozenset({S.DRAFT, S.RETURNED}), False),
        Action(
            "withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.UNDER_REVIEW, S.CIRCULATED, S.OBJECTED}),
            False,
        ),
        Action("return", frozenset({S.SUBMITTED, S.UNDER_REVIEW}), True),
        Action("review", frozenset({S.SUBMITTED}), True),
        Action("circulate", frozenset({S.UNDER_REVIEW}), True),
        Action("decide", frozenset({S.UNDER_REVIEW, S.OBJECTED}), True),
    ]
}

# The applicant edits its statement and documents only in these states.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})


def actions_allowed_in(state: str, track: str) -> list[str]:
    """The actions a state (and track) allows, whoever may take them."""
    names = [name for name, action in ACTIONS.items() if state in action.from_states]
    if state == S.UNDER_REVIEW:
        # ECOSOC-status organisations are accredited by the secretariat directly; every other
        # organisation goes through the non-objection procedure.
        names.remove("circulate" if track == Track.ECOSOC else "decide")
    return names


def track_for(organisation: Organisation) -> str:
    return Track.ECOSOC if organisation.ecosoc_verified else Track.OPEN


# Until the circulation or the decision, the track follows the organisation's ECOSOC status as
# verified now: a verification that lapsed sends it through the non-objection procedure.
_TRACK_STILL_OPEN = {S.DRAFT, S.SUBMITTED, S.RETURNED, S.UNDER_REVIEW}


def current_track(application: Application) -> str:
    if application.state in _TRACK_STILL_OPEN:
        return track_for(application.organisation)
    return str(application.track)


def allowed_actions(application: Application) -> list[str]:
    """The actions the application's state (and track) allows now, whoever may take them."""
    return actions_allowed_in(str(application.state), current_track(application))
