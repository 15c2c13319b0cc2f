"""Pages of negotiating texts: lists, a revision, its exports, diffs, submissions, moderation,
the compilation and the influence tracker. Views find the object through a scope, check the
permission, call one service and respond."""

from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.models import Process
from core.permissions import has_perm, permission_required, public_view
from core.selectors import process_for

from . import diffing, exporting, selectors, services
from . import permissions as perms
from .exceptions import DraftsError
from .forms import (
    DeadlineForm,
    ImportForm,
    LanguageVersionForm,
    ModerationForm,
    SubmissionForm,
    TextForm,
)
from .models import Revision, Text

EXPORT_TYPES = {
    "akn": ("application/akn+xml", "xml"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
}


def _process(request: HttpRequest, slug: str, **kwargs: Any) -> Process:
    return process_for(request.user, slug)


def _text(request: HttpRequest, slug: str, **kwargs: Any) -> Text:
    return selectors.text_for(request.user, slug)


def _revision(request: HttpRequest, slug: str, number: int, **kwargs: Any) -> Revision:
    return selectors.revision_for(request.user, slug, number)


def _language(request: HttpRequest, revision: Revision) -> str:
    return selectors.language_of(revision, request.GET.get("language", ""))


def _form_errors(request: HttpRequest, error: DraftsError, form: Any) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


# Texts ------------------------------------------------------------------------------------------


@public_view
@require_http_methods(["GET", "POST"])
def text_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The process's negotiating texts; its secretariat creates new ones here."""
    process = process_for(request.user, slug)
    can_create = has_perm(request.user, perms.MANAGE, process)
    form = TextForm(request.POST or None) if can_create else None
    if request.method == "POST":
        if not can_create or form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                text = services.create_text(process, actor=request.user, **form.cleaned_data)
            except DraftsError as error:
                _form_errors(request, error, form)
            else:
                messages.success(request, _("The text was created. Import its first revision."))
                return redirect("drafts:text", slug=text.slug)
    context = {
        "process": process,
        "texts": selectors.texts_in(process, request.user),
        "form": form,
    }
    status = 400 if form is not None and form.is_bound else 200
    return render(request, "drafts/text_list.html", context, status=status)


@permission_required(perms.VIEW, obj=_text)
@require_GET
def text_detail(request: HttpRequest, text: Text, slug: str) -> HttpResponse:
    """A text and its revisions; the secretariat imports a new revision from here."""
    can_manage = has_perm(request.user, perms.MANAGE, text)
    context = {
        "text": text,
        "revisions": selectors.revisions_of(text),
        "can_manage": can_manage,
        "import_form": ImportForm() if can_manage else None,
    }
    return render(request, "drafts/text_detail.html", context)


@permission_required(perms.MANAGE, obj=_text)
@require_POST
def import_revision(request: HttpRequest, text: Text, slug: str) -> HttpResponse:
    """Import a revision from a file; an unreadable file says the line, nothing is stored."""
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            revision = services.import_revision(
                text,
                actor=request.user,
                content=data["file"].read(services.texts.MAX_BYTES + 1),
                fmt=data["format"],
                language=data["language"],
                title=data["title"],
                issued_on=data["issued_on"],
                deadline=data["deadline"].astimezone(UTC) if data["deadline"] else None,
            )
        except DraftsError as error:
            _form_errors(request, error, form)
        else:
            messages.success(request, _("The revision was imported."))
            return redirect("drafts:revision", slug=text.slug, number=revision.number)
    context = {
        "text": text,
        "revisions": selectors.revisions_of(text),
        "can_manage": True,
        "import_form": form,
    }
    return render(request, "drafts/text_detail.html", context, status=400)


@permission_required(perms.MANAGE, obj=_text)
@require_POST
def publish_text(request: HttpRequest, text: Text, slug: str) -> HttpResponse:
    """Publish a text (or take it back to draft)."""
    status = request.POST.get("status", "published")
    try:
        services.set_text_status(text, status, actor=request.user)
    except DraftsError as error:
        messages.error(request, str(error))
    return redirect("drafts:text", slug=text.slug)


# A revision -------------------------------------------------------------------------------------


@permission_required(perms.VIEW, obj=_revision)
@require_GET
def revision_detail(
    request: HttpRequest, revision: Revision, slug: str, number: int
) -> HttpResponse:
    """The revision's text in one of its languages, with what the viewer may do on it."""
    return _revision_page(request, revision, slug, number)


def _revision_page(
    request: HttpRequest,
    revision: Revision,
    slug: str,
    number: int,
    language_form: LanguageVersionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    language = _language(request, revision)
    may_write = has_perm(request.user, perms.WRITE, revision)
    base = reverse("drafts:revision", args=[slug, number])
    context = {
        "text": revision.text,
        "revision": revision,
        "items": selectors.tree(revision, language),
        "language": language,
        "previous": selectors.previous_of(revision),
        "next": selectors.next_of(revision),
        "amend_url": f"{base}submissions/new/" if may_write else "",
        "compilation_url": f"{base}compilation/",
        "commented": selectors.commented_articles(revision),
        "can_moderate": has_perm(request.user, perms.MODERATE, revision),
        "can_manage": has_perm(request.user, perms.MANAGE, revision),
        "own": selectors.own_submissions(revision, request.user),
        "deadline_form": DeadlineForm(initial={"deadline": revision.deadline}),
        "language_form": language_form or LanguageVersionForm(),
        "exports": list(EXPORT_TYPES),
    }
    return render(request, "drafts/revision.html", context, status=status)


@permission_required(perms.VIEW, obj=_revision)
@require_GET
def revision_export(
    request: HttpRequest, revision: Revision, slug: str, number: int, fmt: str
) -> HttpResponse:
    """The revision as Akoma Ntoso XML, Markdown, HTML or PDF."""
    if fmt not in EXPORT_TYPES:
        raise Http404
    language = _language(request, revision)
    body = export_body(revision, fmt, language)
    content_type, extension = EXPORT_TYPES[fmt]
    response = HttpResponse(body, content_type=content_type)
    name = f"{revision.text.slug}-r{revision.number}-{language}.{extension}"
    disposition = "inline" if fmt in ("html", "pdf") else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    return response


def export_body(revision: Revision, fmt: str, language: str) -> bytes | str:
    if fmt == "akn":
        return exporting.to_akn(revision, language)
    if fmt == "md":
        return exporting.to_markdown(revision, language)
    html = exporting.to_html(revision, language, for_pdf=fmt == "pdf")
    return exporting.to_pdf(html) if fmt == "pdf" else html


@permission_required(perms.MANAGE, obj=_revision)
@require_POST
def revision_deadline(
    request: HttpRequest, revision: Revision, slug: str, number: int
) -> HttpResponse:
    """Set the deadline of the call for submissions on this revision."""
    form = DeadlineForm(request.POST)
    if form.is_valid():
        deadline = form.cleaned_data["deadline"]
        services.set_deadline(
            revision, actor=request.user, deadline=deadline.astimezone(UTC) if deadline else None
        )
        messages.success(request, _("The deadline was saved."))
    else:
        messages.error(request, _("Give the deadline as YYYY-MM-DD HH:MM (UTC)."))
    return redirect("drafts:revision", slug=slug, number=number)


@permission_required(perms.MANAGE, obj=_revision)
@require_POST
def add_language(request: HttpRequest, revision: Revision, slug: str, number: int) -> HttpResponse:
    """Add a language version of the revision; a file that is not the same tree says where it
    differs, and nothing is stored."""
    form = LanguageVersionForm(request.POST, request.FILES)
    if form.is_valid():
        language = form.cleaned_data["language"]
        try:
            services.add_language(
                revision,
                actor=request.user,
                content=form.cleaned_data["file"].read(services.texts.MAX_BYTES + 1),
                language=language,
            )
        except DraftsError as error:
            _form_errors(request, error, form)
        else:
            messages.success(request, _("The language version was added."))
            url = reverse("drafts:revision", args=[slug, number])
            return redirect(f"{url}?{urlencode({'language': language})}")
    return _revision_page(request, revision, slug, number, language_form=form, status=400)


# What changed -----------------------------------------------------------------------------------


@permission_required(perms.VIEW, obj=_text)
@require_GET
def diff(request: HttpRequest, text: Text, slug: str, a: int, b: int) -> HttpResponse:
    """What changed between two revisions, article by article, with the words changed."""
    old = selectors.revision_for(request.user, slug, a)
    new = selectors.revision_for(request.user, slug, b)
    changes = diffing.compare(old, new, request.GET.get("language", ""))
    show_all = request.GET.get("all") == "1"
    context = {
        "text": text,
        "old": old,
        "new": new,
        "changes": [c for c in changes if show_all or c.status != "unchanged"],
        "summary": diffing.summary(changes),
        "show_all": show_all,
    }
    return render(request, "drafts/diff.html", context)


# Submissions ------------------------------------------------------------------------------------


def _speaks_for_choices(request: HttpRequest, revision: Revision) -> list[tuple[str, str]]:
    who = perms.writes_as(request.user, revision.text.process)
    choices = [(f"org:{o.public_id}", o.name) for o in who["organisations"]]
    if who["member_state"]:
        from django_countries import countries

        code = who["member_state"]
        choices.append((f"state:{code}", str(countries.name(code) or code)))
    return choices


def _submission_form(
    request: HttpRequest, revision: Revision, data: Any = None, files: Any = None, **kw: Any
) -> SubmissionForm:
    items = selectors.flatten(selectors.tree(revision))
    article = request.GET.get("article") or (data or {}).get("article_scope", "")
    in_scope = [
        i
        for i in items
        if i.kind not in ("chapter", "section", "title", "preamble", "conclusions")
        and (not article or i.eid == article or i.eid.startswith(article + "__"))
    ]
    form = SubmissionForm(
        data,
        files,
        speaks_for=_speaks_for_choices(request, revision),
        articles=[(i.eid, f"{i.num} {i.heading}".strip()) for i in items if i.kind == "article"],
        elements=[(i.eid, _element_label(i)) for i in in_scope],
        **kw,
    )
    # The page shows the chosen element's wording, to pick the passage from (drafts/compose.js).
    form.element_texts = {i.eid: i.text for i in in_scope if i.text}  # type: ignore[attr-defined]
    return form


def _element_label(item: Any) -> str:
    words = item.text[:60] + ("…" if len(item.text) > 60 else "")
    return f"{item.eid} · {item.num} {words}".strip()


def _draft(form: SubmissionForm) -> services.Draft:
    data = form.cleaned_data
    return services.Draft(
        kind=data["kind"],
        speaks_for=data["speaks_for"],
        language=data["language"],
        title=data["title"],
        body=data["body"],
        articles=list(data["articles"]),
        element=data["element"],
        operation=data["operation"],
        quote=data["quote"],
        prefix=data["context_before"],
        proposed_text=data["proposed_text"],
    )


@permission_required(perms.WRITE, obj=_revision)
@require_http_methods(["GET", "POST"])
def submission_create(
    request: HttpRequest, revision: Revision, slug: str, number: int
) -> HttpResponse:
    """Write a submission or an amendment; it stays a draft until it is sent."""
    initial: dict[str, Any] = {
        "kind": "amendment" if request.GET.get("article") else "written",
        "language": request.LANGUAGE_CODE,
    }
    if request.GET.get("article"):
        initial["articles"] = [request.GET["article"]]
    form = _submission_form(
        request, revision, request.POST or None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission = services.create_submission(
                revision,
                actor=request.user,
                draft=_draft(form),
                attachment=form.cleaned_data.get("attachment"),
            )
        except DraftsError as error:
            _form_errors(request, error, form)
        else:
            messages.success(request, _("Your draft was saved. Send it when it is ready."))
            return redirect("drafts:submission", public_id=submission.public_id)
    context = {
        "revision": revision,
        "text": revision.text,
        "form": form,
        "article": request.GET.get("article", ""),
        "limit": services.WORD_LIMIT,
    }
    return render(
        request, "drafts/submission_form.html", context, status=400 if form.is_bound else 200
    )


def _submission(request: HttpRequest, public_id: str, **kwargs: Any) -> Any:
    return selectors.submission_for(request.user, public_id)


@permission_required(perms.VIEW_SUBMISSION, obj=_submission)
@require_GET
def submission_detail(request: HttpRequest, submission: Any, public_id: str) -> HttpResponse:
    """A submission or an amendment; an amendment shows the amended element as a diff."""
    user = request.user
    can_moderate = has_perm(user, perms.MODERATE, submission)
    context = {
        "submission": submission,
        "revision": submission.revision,
        "text": submission.revision.text,
        "author": selectors.author_label(submission, user),
        "person": selectors.person_label(submission, user) if can_moderate else "",
        "ops": selectors.amended_ops(submission) if submission.is_amendment else [],
        "anchors": selectors.anchors_of(submission),
        "influence": selectors.influence_of(submission),
        "is_author": has_perm(user, perms.EDIT_SUBMISSION, submission),
        "can_moderate": can_moderate and submission.state == "pending",
        "moderation_form": ModerationForm(),
    }
    return render(request, "drafts/submission.html", context)


@permission_required(perms.EDIT_SUBMISSION, obj=_submission)
@require_http_methods(["GET", "POST"])
def submission_edit(request: HttpRequest, submission: Any, public_id: str) -> HttpResponse:
    """Change a draft before sending it."""
    if submission.state != "draft":
        raise PermissionDenied(_("Only a draft can be changed."))
    revision = submission.revision
    speaks = (
        f"org:{submission.organisation.public_id}"
        if submission.organisation
        else f"state:{submission.member_state}"
    )
    initial = {
        "kind": submission.kind,
        "speaks_for": speaks,
        "language": submission.language,
        "title": submission.title,
        "body": submission.body,
        "articles": [a.eid for a in submission.articles.all()],
        "element": submission.element.eid if submission.element else "",
        "operation": submission.operation,
        "quote": submission.quote_exact,
        "proposed_text": submission.proposed_text,
    }
    form = _submission_form(
        request, revision, request.POST or None, request.FILES or None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_submission(
                submission,
                actor=request.user,
                draft=_draft(form),
                attachment=form.cleaned_data.get("attachment"),
            )
        except DraftsError as error:
            _form_errors(request, error, form)
        else:
            messages.success(request, _("Your draft was saved."))
            return redirect("drafts:submission", public_id=public_id)
    context = {
        "revision": revision,
        "text": revision.text,
        "form": form,
        "submission": submission,
        "limit": services.WORD_LIMIT,
    }
    return render(
        request, "drafts/submission_form.html", context, status=400 if form.is_bound else 200
    )


@permission_required(perms.VIEW_SUBMISSION, obj=_submission)
@require_POST
def submission_step(
    request: HttpRequest, submission: Any, public_id: str, step: str
) -> HttpResponse:
    """Send or withdraw one's submission; publish or refuse it as a moderator."""
    user = request.user
    try:
        if step in ("submit", "withdraw"):
            if not has_perm(user, perms.EDIT_SUBMISSION, submission):
                raise PermissionDenied
            run = services.submit_submission if step == "submit" else services.withdraw_submission
            done = run(submission, actor=user)
            messages.success(request, _("Sent.") if step == "submit" else _("Withdrawn."))
            if done.state == "pending":
                messages.info(request, _("A moderator will read it before it is published."))
        elif step == "moderate":
            if not has_perm(user, perms.MODERATE, submission):
                raise PermissionDenied
            form = ModerationForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose to publish or not to publish."))
                return redirect("drafts:submission", public_id=public_id)
            services.moderate_submission(submission, actor=user, **form.cleaned_data)
            messages.success(request, _("The decision was recorded and the author told."))
            back = request.POST.get("back") == "queue"
            if back:
                return redirect(
                    "drafts:moderation",
                    slug=submission.revision.text.slug,
                    number=submission.revision.number,
                )
        else:
            raise Http404
    except DraftsError as error:
        messages.error(request, str(error))
    return redirect("drafts:submission", public_id=public_id)


@permission_required(perms.VIEW_SUBMISSION, obj=_submission)
@require_GET
def attachment(request: HttpRequest, submission: Any, public_id: str) -> Any:
    """The submission's PDF, always downloaded as a PDF attachment."""
    if not submission.attachment:
        raise Http404
    from django.http import FileResponse

    return FileResponse(
        submission.attachment.open("rb"),
        as_attachment=True,
        filename=submission.attachment_name,
        content_type="application/pdf",
    )


@permission_required(perms.MODERATE, obj=_revision)
@require_GET
def moderation(request: HttpRequest, revision: Revision, slug: str, number: int) -> HttpResponse:
    """Stakeholders' submissions waiting for a moderator, oldest first."""
    queue = list(selectors.moderation_queue(revision, request.user))
    for entry in queue:
        entry.author_label = selectors.author_label(entry, request.user)  # type: ignore[attr-defined]
    context = {
        "revision": revision,
        "text": revision.text,
        "queue": queue,
        "form": ModerationForm(),
    }
    return render(request, "drafts/moderation.html", context)


# The compilation and the influence tracker --------------------------------------------------------


@permission_required(perms.VIEW, obj=_revision)
@require_GET
def compilation(request: HttpRequest, revision: Revision, slug: str, number: int) -> HttpResponse:
    """Every published submission and amendment under its article, with counts for every
    article and the entries a page at a time (the PDF and the exports hold them all)."""
    context = {
        "revision": revision,
        "text": revision.text,
        **compilation_context(revision, request.user, page=request.GET.get("page", "1")),
    }
    return render(request, "drafts/compilation.html", context)


COMPILATION_PAGE = 200


def compilation_context(revision: Revision, viewer: Any, page: str | None = None) -> dict[str, Any]:
    from django.core.paginator import Paginator

    page_obj = None
    if page is None:
        found = selectors.compilation(revision, viewer)
    else:
        number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
        offset = (number - 1) * COMPILATION_PAGE
        found = selectors.compilation(revision, viewer, offset=offset, limit=COMPILATION_PAGE)
        page_obj = Paginator(range(found["placements"]), COMPILATION_PAGE).get_page(number)
        if page_obj.number != number:  # past the end: the last page
            offset = page_obj.start_index() - 1 if found["placements"] else 0
            found = selectors.compilation(revision, viewer, offset=offset, limit=COMPILATION_PAGE)
    labels = selectors.constituency_labels()
    keys = sorted(found["totals"])
    for group in found["summary"]:
        group.row = [group.counts.get(k, 0) for k in keys]
    return {
        **found,
        "page": page_obj,
        "columns": [(k, labels.get(k, k)) for k in keys],
        "total_row": [found["totals"][k] for k in keys],
    }


COMPILATION_HEADER = [
    "article",
    "heading",
    "kind",
    "author",
    "constituency",
    "region",
    "language",
    "operation",
    "passage",
    "proposed_wording",
    "text",
    "published_at",
    "url",
]


def compilation_rows(revision: Revision, viewer: Any) -> list[list[Any]]:
    found = selectors.compilation(revision, viewer)
    rows = []
    for group in found["groups"]:
        for entry in group.entries:
            rows.append(
                [
                    group.article.num if group.article else "",
                    group.article.heading if group.article else "",
                    entry.kind,
                    entry.author_label,
                    entry.constituency,
                    entry.region,
                    entry.language,
                    entry.operation,
                    entry.quote_exact,
                    entry.proposed_text,
                    entry.body,
                    entry.published_at.isoformat() if entry.published_at else "",
                    reverse("drafts:submission", args=[entry.public_id]),
                ]
            )
    return rows


@permission_required(perms.VIEW, obj=_revision)
@require_GET
def compilation_export(
    request: HttpRequest, revision: Revision, slug: str, number: int, fmt: str
) -> HttpResponse:
    """The compilation as PDF, CSV, XLSX or JSON (formulas neutralised)."""
    from core.exports import FORMATS, export_response

    name = f"{revision.text.slug}-r{revision.number}-compilation"
    if fmt == "pdf":
        html = render_to_string(
            "drafts/compilation_pdf.html",
            {
                "revision": revision,
                "text": revision.text,
                **compilation_context(revision, request.user),
            },
        )
        response = HttpResponse(exporting.to_pdf(html), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
        return response
    if fmt not in FORMATS:
        raise Http404
    return export_response(
        fmt,
        filename=name,
        header=COMPILATION_HEADER,
        rows=compilation_rows(revision, request.user),
        title="compilation",
    )


@permission_required(perms.VIEW, obj=_revision)
@require_GET
def influence(request: HttpRequest, revision: Revision, slug: str, number: int) -> HttpResponse:
    """Which proposals on the previous revision this one reflects, with the evidence."""
    previous = selectors.previous_of(revision)
    if previous is None:
        raise Http404
    rows = selectors.influence_on(revision)
    for row in rows:
        row.author_label = selectors.author_label(row.submission, request.user)
    context = {
        "revision": revision,
        "previous": previous,
        "text": revision.text,
        "rows": rows,
        "tally": selectors.influence_tally(rows, request.user),
    }
    return render(request, "drafts/influence.html", context)
