"""Pages that answer a consultation: the form (with or without JavaScript), its checks, and
receipts."""

import re
import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.permissions import has_perm, permission_required

from .. import permissions as perms
from .. import selectors, services, submission
from ..attachments import receive_upload
from ..choices import NEXT_STATUS, Status
from ..exceptions import ConsultationError, DraftsNotKept, InvalidResponse, StaleConsultation
from ..forms import DeclarationForm
from ..models import Consultation
from ..rendering import (
    Drawing,
    answers_from_post,
    input_id,
    pages_of,
    paths_of,
    state_from,
    state_json,
    upload_slots,
)
from ..validation import validate_submission
from ..xlsform import UPLOAD_TYPES
from .scope import language_for, post_requires, the_consultation


class _Answering:
    """The state of one answering page: form, language, page, answers and what to show."""

    def __init__(self, request: HttpRequest, consultation: Consultation) -> None:
        self.request, self.consultation = request, consultation
        self.version = selectors.current_version(consultation)
        self.form = selectors.definition_of(self.version) if self.version else None
        self.pages = pages_of(self.form, consultation.layout == "per_group") if self.form else []
        self.language = language_for(request, self.form) if self.form else ""
        self.answers: dict[str, Any] = {}
        self.page = 0
        self.show_errors = False
        self.instance_id = str(uuid.uuid4())
        self.message = ""
        self.upload_errors: dict[str, str] = {}

    @property
    def last_page(self) -> bool:
        return self.page >= len(self.pages) - 1

    def from_draft(self) -> None:
        draft = selectors.draft_of(self.consultation, self.request.user)
        if draft is not None:
            self.answers, self.page = dict(draft.answers), min(draft.page, len(self.pages) - 1)

    def from_post(self) -> None:
        post = self.request.POST
        self.answers = state_from(post.get("_state", ""))
        self.page = max(0, min(_int(post.get("_page")), len(self.pages) - 1))
        questions = self.pages[self.page]
        for name in paths_of(questions):
            self.answers.pop(name, None)
        assert self.form is not None
        self.answers.update(answers_from_post(self.form, post, questions))
        if _is_uuid(post.get("instance_id", "")):
            self.instance_id = post["instance_id"]

    def receive_files(self) -> None:
        """Keep the files posted with the page; the answer is the name each is kept under. A
        refused file is named beside its field, and every other answer stays as typed."""
        for path, question, answers in upload_slots(self.pages[self.page], self.answers):
            upload = self.request.FILES.get(path)
            if upload is None:
                continue
            try:
                kept = receive_upload(
                    self.consultation, actor=self.request.user, question=question, upload=upload
                )
            except ConsultationError as exc:
                self.upload_errors[path] = str(exc)
            else:
                answers[question.name] = kept.name

    def check(self) -> Any:
        assert self.form is not None
        return validate_submission(self.form, self.answers, self.language)

    def page_errors(self, result: Any) -> list[dict[str, str]]:
        names = paths_of(self.pages[self.page])
        return [e for e in result.errors if _root(e["field"]) in names]

    def context(self, declaration: DeclarationForm | None = None) -> dict[str, Any]:
        result = self.check()
        if not self.show_errors:
            result.errors = []
        elif not self.last_page:
            result.errors = self.page_errors(result)
        if self.upload_errors:
            others = [e for e in result.errors if e["field"] not in self.upload_errors]
            refused = [{"field": f, "message": m} for f, m in self.upload_errors.items()]
            result.errors = refused + others
        assert self.form is not None
        drawing = Drawing(self.form, self.language, self.answers, result)
        questions = self.pages[self.page]
        others = {k: v for k, v in self.answers.items() if k not in paths_of(questions)}
        nodes = drawing.nodes(questions, self.answers, "")
        labels = _labels(nodes)
        return {
            "nodes": nodes,
            "errors": [
                {**e, "id": input_id(e["field"]), "label": labels.get(e["field"], e["field"])}
                for e in result.errors
            ],
            "state": state_json(others),
            "page": self.page,
            "pages": len(self.pages),
            "last_page": self.last_page,
            "language": self.language,
            "rtl": self.language in ("ar", "he", "fa", "ur"),
            "form_languages": [(code, _language_name(code)) for code in self.form.languages],
            "instance_id": self.instance_id,
            "declaration": declaration,
            "message": self.message,
            "has_uploads": any(q.type in UPLOAD_TYPES for top in questions for q in top.walk()),
        }


def _labels(nodes: list[Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in nodes:
        found[node.path] = node.label
        for child in [*node.children, *[c for entry in node.entries for c in entry]]:
            found.update(_labels([child]))
    return found


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_local"])
    except KeyError:
        return code


def _int(raw: Any) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return 0


def _is_uuid(raw: str) -> bool:
    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


def _root(path: str) -> str:
    return path.split("[")[0].split(".")[0]


def _declaration(request: HttpRequest, consultation: Consultation) -> DeclarationForm:
    organisations: list[Any] = []
    if not consultation.is_anonymous:
        organisations = list(selectors.organisations_answering_for(consultation, request.user))
    return DeclarationForm(
        request.POST or None,
        prefix="about",
        organisations=organisations,
        ask_declaration=consultation.is_anonymous or not organisations,
    )


@permission_required(perms.VIEW, obj=the_consultation)
@post_requires(perms.ANSWER)
@require_http_methods(["GET", "POST"])
def consultation_detail(
    request: HttpRequest, consultation: Consultation, slug: str
) -> HttpResponse:
    """The consultation, and its form for those it asks while it is open."""
    state = _Answering(request, consultation)
    can_answer = has_perm(request.user, perms.ANSWER, consultation)
    is_open = submission.is_taking_answers(consultation)
    answered = selectors.has_answered(consultation, request.user)
    declaration = _declaration(request, consultation)
    if request.method == "POST":
        if state.form is None or not is_open or answered:
            messages.error(request, _("This consultation is not taking answers."))
            return redirect("consultations:detail", slug=consultation.slug)
        state.from_post()
        state.receive_files()
        response = _act(request, consultation, state, declaration)
        if response is not None:
            return response
        # Errors are drawn beside the fields: a page like any other (200), not a failed request.
    elif state.form is not None and can_answer and is_open:
        state.from_draft()
    show_form = state.form is not None and can_answer and is_open and not answered
    flags = {"can_answer": can_answer, "is_open": is_open, "answered": answered}
    return _detail_page(request, state, declaration, show_form=show_form, **flags)


def _detail_page(
    request: HttpRequest,
    state: _Answering,
    declaration: DeclarationForm,
    *,
    show_form: bool,
    **flags: bool,
) -> HttpResponse:
    consultation = state.consultation
    can_manage = has_perm(request.user, perms.MANAGE, consultation)
    # The secretariat sees the form as respondents will, on one page, before anyone may answer.
    preview = not show_form and can_manage and state.form is not None and "preview" in request.GET
    if preview:
        assert state.form is not None
        state.pages = pages_of(state.form, False)
    context = {
        "consultation": consultation,
        "process": consultation.process,
        "version": state.version,
        **flags,
        "show_form": show_form,
        "preview": preview,
        "opens_later": consultation.opens_at > timezone.now(),
        "can_manage": can_manage,
        "can_see_results": has_perm(request.user, perms.VIEW_RESULTS, consultation),
        "next_statuses": _next_statuses(consultation),
        "response_count": selectors.response_count(consultation),
    }
    if show_form or preview:
        context.update(state.context(declaration))
    return render(request, "consultations/detail.html", context)


def _next_statuses(consultation: Consultation) -> list[tuple[str, str]]:
    labels = {
        Status.OPEN: _("Open for answers") if consultation.status == Status.DRAFT else _("Reopen"),
        Status.CLOSED: _("Close") if consultation.status == Status.OPEN else _("Unpublish results"),
        Status.PUBLISHED: _("Publish the results"),
    }
    return [(str(s), str(labels[s])) for s in sorted(NEXT_STATUS[Status(consultation.status)])]


def _act(
    request: HttpRequest,
    consultation: Consultation,
    state: _Answering,
    declaration: DeclarationForm,
) -> HttpResponse | None:
    """Carry out the button pressed; None means draw the page again."""
    action = request.POST.get("_action", "submit")
    if state.upload_errors and action in ("next", "submit"):
        return None  # the page again, the refused file named beside its field
    if action.startswith(("add:", "remove:")):
        _change_entries(state, action)
    elif action == "back":
        state.page = max(0, state.page - 1)
    elif action == "next":
        state.show_errors = True
        if not state.page_errors(state.check()):
            state.page += 1
            state.show_errors = False
    elif action == "save":
        if request.user.is_authenticated:
            try:
                services.save_draft(
                    consultation, actor=request.user, answers=state.answers, page=state.page
                )
            except DraftsNotKept as exc:
                state.message = str(exc)
            else:
                state.message = _("Your answers were saved. You can come back and finish later.")
    elif action == "submit" and state.last_page:
        return _submit(request, consultation, state, declaration)
    return None


def _change_entries(state: _Answering, action: str) -> None:
    verb, _sep, target = action.partition(":")
    name, _b, index = target.partition("#")
    entries = state.answers.get(name)
    entries = list(entries) if isinstance(entries, list) else []
    if verb == "add":
        entries.append({})
    elif 0 < _int(index) <= len(entries):
        entries.pop(_int(index) - 1)
    state.answers[name] = entries


def _send(
    consultation: Consultation, request: HttpRequest, state: _Answering, declared: dict[str, Any]
) -> tuple[Any, bool]:
    return submission.submit_response(
        consultation,
        actor=request.user,
        instance_id=uuid.UUID(state.instance_id),
        answers=state.answers,
        language=state.language,
        organisation_id=declared.get("organisation"),
        declared={"kind": declared.get("kind", ""), "region": declared.get("region", "")},
    )


def _submit(
    request: HttpRequest,
    consultation: Consultation,
    state: _Answering,
    declaration: DeclarationForm,
) -> HttpResponse | None:
    declared = declaration.cleaned_data if declaration.is_valid() else {}
    try:
        try:
            response, _created = _send(consultation, request, state, declared)
        except StaleConsultation:
            # Changed while this page was answered (opened, closed, a new form): read it again.
            fresh = selectors.consultation_for(request.user, consultation.slug)
            response, _created = _send(fresh, request, state, declared)
    except StaleConsultation:
        messages.error(
            request, _("The consultation changed while you answered: please send again.")
        )
        return None
    except InvalidResponse as exc:
        state.show_errors = True
        # Go back to the first page with something to correct.
        for number, questions in enumerate(state.pages):
            names = paths_of(questions)
            if any(_root(e["field"]) in names for e in exc.errors):
                state.page = number
                break
        if any(e["field"] == "organisation_id" for e in exc.errors):
            declaration.add_error("organisation", str(exc.errors[0]["message"]))
        return None
    except ConsultationError as exc:
        messages.error(request, str(exc))
        return redirect("consultations:detail", slug=consultation.slug)
    # The receipt is the answer to the POST itself: a code in an address would be kept in
    # browser histories and access logs.
    return _render_receipt(request, consultation, response.reference, response)


@permission_required(perms.ANSWER, obj=the_consultation)
@require_POST
def consultation_check(request: HttpRequest, consultation: Consultation, slug: str) -> HttpResponse:
    """For the page's script: which questions apply, repeat counts, options left, and errors."""
    state = _Answering(request, consultation)
    if state.form is None:
        raise Http404
    state.from_post()
    result = state.check()
    return JsonResponse(
        {
            "hidden": result.hidden,
            "counts": result.counts,
            "offered": result.offered,
            "errors": {e["field"]: e["message"] for e in result.errors},
        }
    )


@permission_required(perms.VIEW, obj=the_consultation)
@require_http_methods(["GET", "POST"])
def receipt(request: HttpRequest, consultation: Consultation, slug: str) -> HttpResponse:
    """A receipt: proves that a response with this code was received, and nothing more.

    Codes are looked up by POST only, so that they never appear in an address."""
    raw = request.POST.get("code", "") if request.method == "POST" else ""
    code = re.sub(r"[^A-Z0-9-]", "", raw.upper())[:20]
    found = selectors.response_by_reference(consultation, code) if code else None
    return _render_receipt(request, consultation, code, found)


def _render_receipt(
    request: HttpRequest, consultation: Consultation, code: str, found: Any
) -> HttpResponse:
    return render(
        request,
        "consultations/receipt.html",
        {"consultation": consultation, "code": code, "found": found},
        status=404 if code and found is None else 200,
    )
