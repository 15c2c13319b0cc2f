"""The accreditation pipeline: each transition is one service that checks the state, writes the
audit log and tells the applicant by e-mail once the transaction commits."""

import re
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import member_state_of
from core import audit
from core.caches import forget_user_memos
from core.models import Process

from ..choices import ApplicationState as S
from ..choices import Track
from ..exceptions import ActionNotAllowed, NotEligible, ObjectionPeriodClosed, StakeholdersError
from ..models import AccreditationSettings, Application, Objection, Organisation
from ..notifications import notify_applicant
from ..pipeline import EDITABLE_STATES, allowed_actions, current_track, track_for
from ..selectors import settings_of

MAX_STATEMENT_WORDS = 500


def _lock(application: Application, action: str) -> Application:
    locked = (
        Application.objects.select_for_update()
        .select_related("process", "organisation")
        .get(pk=application.pk)
    )
    if action not in allowed_actions(locked):
        raise ActionNotAllowed(action, locked.get_state_display(), allowed_actions(locked))
    locked.track = current_track(locked)  # saved with the transition
    return locked


def _transition(
    application: Application,
    *,
    actor: Any,
    action: str,
    state: str,
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> Application:
    before = application.state
    application.state = state
    for field, value in fields.items():
        setattr(application, field, value)
    application.save()
    audit.record(
        f"stakeholders.application.{action}",
        actor=actor,
        obj=application,
        process=application.process,
        data={"from": before, "to": state, **(data or {})},
    )
    notify_applicant(application, action)
    return application


def _word_count(text: str) -> int:
    return len(re.findall(r"\S+", text or ""))


def _check_statement(statement: str) -> None:
    if _word_count(statement) > MAX_STATEMENT_WORDS:
        raise NotEligible(
            _("The statement has %(count)s words; at most %(max)s are allowed.")
            % {"count": _word_count(statement), "max": MAX_STATEMENT_WORDS}
        )


def create_application(
    process: Process, *, actor: Any, organisation: Organisation, statement: str = ""
) -> Application:
    """Start a draft application; the track follows from the organisation's verified status."""
    _check_statement(statement)
    try:
        with transaction.atomic():
            application = Application.objects.create(
                process=process,
                organisation=organisation,
                track=track_for(organisation),
                statement=statement,
                created_by=actor if actor.is_authenticated else None,
            )
            audit.record(
                "stakeholders.application.created",
                actor=actor,
                obj=application,
                process=process,
                data={"track": application.track},
            )
    except IntegrityError:
        raise NotEligible(
            _("%(organisation)s already has an application in this process.")
            % {"organisation": organisation.name}
        ) from None
    forget_user_memos(actor)  # who applied where decides whose names its secretariat reads
    return application


def update_application(application: Application, *, actor: Any, statement: str) -> Application:
    """Edit the statement of a draft, or of an application returned for information."""
    _check_statement(statement)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.state not in EDITABLE_STATES:
            raise ActionNotAllowed(
                "edit", application.get_state_display(), allowed_actions(application)
            )
        application.statement = statement
        application.save(update_fields=["statement", "updated_at"])
        audit.record(
            "stakeholders.application.edited",
            actor=actor,
            obj=application,
            process=application.process,
            data={"words": _word_count(statement)},
        )
    return application


def submit_application(application: Application, *, actor: Any) -> Application:
    """Send the application to the secretariat."""
    with transaction.atomic():
        application = _lock(application, "submit")
        if application.track == Track.OPEN and not application.statement.strip():
            raise NotEligible(_("Write a statement of relevance and competence before submitting."))
        _check_statement(application.statement)
        submitted = _transition(
            application,
            actor=actor,
            action="submit",
            state=S.SUBMITTED,
            submitted_at=timezone.now(),
        )
    forget_user_memos(actor)
    return submitted


def withdraw_application(application: Application, *, actor: Any) -> Application:
    """The applicant withdraws, at any time before a decision."""
    with transaction.atomic():
        application = _lock(application, "withdraw")
        return _transition(application, actor=actor, action="withdraw", state=S.WITHDRAWN)


def return_application(application: Application, *, actor: Any, message: str) -> Application:
    """Ask the applicant for more information."""
    if not message.strip():
        raise NotEligible(_("Say what information is needed."))
    with transaction.atomic():
        application = _lock(application, "return")
        return _transition(
            application,
            actor=actor,
            action="return",
            state=S.RETURNED,
            secretariat_note=message.strip(),
        )


def review_application(application: Application, *, actor: Any) -> Application:
    """The secretariat takes the application under review."""
    with transaction.atomic():
        application = _lock(application, "review")
        return _transition(application, actor=actor, action="review", state=S.UNDER_REVIEW)


def circulate_application(
    application: Application, *, actor: Any, deadline: date | None = None
) -> Application:
    """Circulate to Member States with a non-objection deadline (the process's default if none)."""
    today = timezone.now().date()
    with transaction.atomic():
        application = _lock(application, "circulate")
        if deadline is None:
            deadline = today + timedelta(days=settings_of(application.process).objection_days)
        if deadline <= today:
            raise NotEligible(_("The deadline must be after today."))
        return _transition(
            application,
            actor=actor,
            action="circulate",
            state=S.CIRCULATED,
            data={"deadline": deadline.isoformat()},
            circulated_at=timezone.now(),
            deadline=deadline,
        )


def decide_application(
    application: Application, *, actor: Any, decision: str, reason: str = ""
) -> Application:
    """Record the decision: the secretariat's for ECOSOC organisations, else the committee's."""
    if decision not in (S.ACCREDITED, S.NOT_ACCREDITED):
        raise NotEligible(_("The decision is “accredited” or “not_accredited”."))
    if decision == S.NOT_ACCREDITED and not reason.strip():
        raise NotEligible(_("Give the reason for not accrediting."))
    with transaction.atomic():
        application = _lock(application, "decide")
        if application.state == S.OBJECTED and _deadline_open(application):
            raise NotEligible(
                _("The non-objection period runs until %(deadline)s.")
                % {"deadline": str(application.deadline)}
            )
        return _transition(
            application,
            actor=actor,
            action="decide",
            state=decision,
            data={"decision": decision},
            decided_at=timezone.now(),
            decision_reason=reason.strip(),
        )


def _deadline_open(application: Application) -> bool:
    return application.deadline is not None and timezone.now().date() <= application.deadline


# Objections --------------------------------------------------------------------------------------


def _check_objector(actor: Any, member_state: str, basis: str) -> None:
    if not member_state or member_state_of(actor) != member_state:
        raise NotEligible(_("A delegate objects only on behalf of the State they represent."))
    if not basis.strip():
        raise NotEligible(_("Give the basis of the objection."))


def _open_to_objections(pk: int) -> Application:
    """The application, locked, if its non-objection period is running."""
    application = Application.objects.select_for_update().select_related("process").get(pk=pk)
    if application.state not in (S.CIRCULATED, S.OBJECTED) or not _deadline_open(application):
        raise ObjectionPeriodClosed(application.deadline)
    return application


def _lodge(application: Application, *, actor: Any, member_state: str, **fields: Any) -> Objection:
    try:
        with transaction.atomic():
            return Objection.objects.create(
                application=application, member_state=member_state, raised_by=actor, **fields
            )
    except IntegrityError:
        raise StakeholdersError(
            _("Your State already has a standing objection to this application.")
        ) from None


def record_objection(
    application: Application, *, actor: Any, member_state: str, basis: str, disclose: bool
) -> Objection:
    """A Member State's delegate objects, on its behalf, while the application is circulated."""
    _check_objector(actor, member_state, basis)
    with transaction.atomic():
        application = _open_to_objections(application.pk)
        objection = _lodge(
            application,
            actor=actor,
            member_state=member_state,
            basis=basis.strip(),
            disclose=disclose,
        )
        audit.record(
            "stakeholders.objection.recorded",
            actor=actor,
            obj=objection,
            process=application.process,
            data={
                "application_id": application.pk,
                "member_state": member_state,
                "disclose": disclose,
            },
        )
        if application.state == S.CIRCULATED:
            _transition(application, actor=actor, action="objected", state=S.OBJECTED)
        else:
            # Another State objects too: the applicant hears of it as of the first.
            notify_applicant(application, "objected")
    return objection


def withdraw_objection(objection: Objection, *, actor: Any) -> Objection:
    """The objecting State withdraws its objection before the deadline."""
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        application = (
            Application.objects.select_for_update()
            .select_related("process")
            .get(pk=objection.application_id)
        )
        if objection.withdrawn_at is not None:
            raise StakeholdersError(_("This objection was already withdrawn."))
        if not _deadline_open(application):
            raise ObjectionPeriodClosed(application.deadline)
        objection.withdrawn_at = timezone.now()
        objection.save(update_fields=["withdrawn_at"])
        audit.record(
            "stakeholders.objection.withdrawn",
            actor=actor,
            obj=objection,
            process=application.process,
            data={"application_id": application.pk},
        )
        if application.state == S.OBJECTED and not _standing_objections(application):
            _transition(application, actor=actor, action="objections_withdrawn", state=S.CIRCULATED)
    return objection


def _standing_objections(application: Application) -> bool:
    return application.objections.filter(withdrawn_at__isnull=True).exists()


def close_objection_periods(*, actor: Any = None, today: date | None = None) -> list[int]:
    """Accredit every circulated application whose deadline has passed with no standing
    objection. Idempotent: returns the ids it accredited this time."""
    today = today or timezone.now().date()
    due = Application.objects.filter(state=S.CIRCULATED, deadline__lt=today)
    return [pk for pk in due.values_list("pk", flat=True) if _accredit_by_silence(pk, actor)]


def _accredit_by_silence(pk: int, actor: Any) -> bool:
    """One application, in its own transaction: accredited unless something changed since."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update()
            .select_related("process", "organisation")
            .get(pk=pk)
        )
        if (
            application.state != S.CIRCULATED
            or application.objections.filter(withdrawn_at__isnull=True).exists()
        ):
            return False
        _transition(
            application,
            actor=actor,
            action="accredited_without_objection",
            state=S.ACCREDITED,
            decided_at=timezone.now(),
            decision_reason=_("No objection by the deadline."),
        )
    return True


# Settings and carry-over -------------------------------------------------------------------------


def update_accreditation_settings(
    process: Process, *, actor: Any, **values: Any
) -> AccreditationSettings:
    """Change how accreditation runs in a process (its row is made the first time)."""
    with transaction.atomic():
        found, _created = AccreditationSettings.objects.select_for_update().get_or_create(
            process=process
        )
        for field, value in values.items():
            setattr(found, field, value)
        found.full_clean()
        found.save()
        audit.record(
            "stakeholders.settings.updated",
            actor=actor,
            obj=found,
            process=process,
            data={k: str(v) for k, v in values.items()},
        )
    process.accreditation_settings = found  # what settings_of reads on this process from now
    return found


def _has_history_in(process: Process, organisation_id: int, *, counting_withdrawals: bool) -> bool:
    """An application under way, a decision, or (for the bulk action) a withdrawal."""
    existing = Application.objects.filter(process=process, organisation=organisation_id)
    if not counting_withdrawals:
        existing = existing.exclude(state=S.WITHDRAWN)
    return existing.exists()


def _carried_copy(process: Process, previous: Application) -> Application | None:
    new_round = settings_of(process).carry_over_needs_objection_round
    now = timezone.now()
    reason = _("Carried over from %(process)s.") % {"process": previous.process.name}
    try:
        with transaction.atomic():
            return Application.objects.create(
                process=process,
                organisation=previous.organisation,
                track=track_for(previous.organisation),
                state=S.UNDER_REVIEW if new_round else S.ACCREDITED,
                statement=previous.statement,
                carried_over_from=previous,
                submitted_at=now,
                decided_at=None if new_round else now,
                decision_reason="" if new_round else reason,
            )
    except IntegrityError:  # the organisation applied, or opted in, at the same moment
        return None


def _carry_one(
    process: Process, previous: Application, actor: Any, *, allow_after_withdrawal: bool
) -> Application | None:
    """Carry one accreditation over, unless the organisation already has its own history in
    this process."""
    if _has_history_in(
        process, previous.organisation_id, counting_withdrawals=not allow_after_withdrawal
    ):
        return None
    application = _carried_copy(process, previous)
    if application is None:
        return None
    audit.record(
        "stakeholders.application.carried_over",
        actor=actor,
        obj=application,
        process=process,
        data={"from_application": previous.pk, "state": application.state},
    )
    notify_applicant(application, "carried_over")
    return application


def _predecessor_accreditations(process: Process) -> Any:
    if process.predecessor_id is None:
        raise NotEligible(_("This process has no predecessor to carry accreditation over from."))
    return (
        Application.objects.accredited()
        .filter(process=process.predecessor_id)
        .select_related("organisation", "process")
    )


def carry_over_accreditations(process: Process, *, actor: Any) -> list[Application]:
    """Carry over, in one action, every organisation accredited to the predecessor."""
    with transaction.atomic():
        carried = [
            _carry_one(process, previous, actor, allow_after_withdrawal=False)
            for previous in _predecessor_accreditations(process)
        ]
    forget_user_memos(actor)
    return [a for a in carried if a is not None]


def opt_in_carry_over(process: Process, *, actor: Any, organisation: Organisation) -> Application:
    """An organisation accredited to the predecessor asks to be carried over."""
    with transaction.atomic():
        previous = _predecessor_accreditations(process).filter(organisation=organisation).first()
        if previous is None:
            raise NotEligible(
                _("%(organisation)s was not accredited to the previous process.")
                % {"organisation": organisation.name}
            )
        application = _carry_one(process, previous, actor, allow_after_withdrawal=True)
        if application is None:
            raise NotEligible(
                _("%(organisation)s already has an application in this process.")
                % {"organisation": organisation.name}
            )
    forget_user_memos(actor)
    return application
