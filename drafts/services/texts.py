"""Texts and revisions: create a text, import a revision (Markdown or the ETS layout), add a
language version. A revision's tree is written once and never changed."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core import audit
from core.models import Process

from .. import parsing
from ..choices import TextStatus
from ..exceptions import InvalidSubmission, UnreadableText
from ..models import Element, ElementText, Revision, Text

FORMATS = ("markdown", "ets")
MAX_BYTES = 5 * 1024 * 1024


def create_text(
    process: Process,
    *,
    actor: Any,
    slug: str,
    title: str,
    description: str = "",
    status: str = TextStatus.DRAFT,
) -> Text:
    """Create a negotiating text in a process (no revision yet)."""
    if Text.objects.filter(slug=slug).exists():
        raise InvalidSubmission(_("This short name is taken."), "slug")
    with transaction.atomic():
        text = Text.objects.create(
            process=process,
            slug=slug,
            title=title,
            description=description,
            status=status,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.record("drafts.text.created", actor=actor, obj=text, process=process)
    return text


def set_text_status(text: Text, status: str, *, actor: Any) -> Text:
    """Publish a text, or take it back to draft."""
    if status not in TextStatus.values:
        raise InvalidSubmission(_("Unknown status."), "status")
    with transaction.atomic():
        Text.objects.filter(pk=text.pk).update(status=status)
        text.status = status
        audit.record(
            "drafts.text.status_changed",
            actor=actor,
            obj=text,
            process=text.process,
            data={"status": status},
        )
    return text


def read_tree(
    content: bytes, *, fmt: str, language: str, only: tuple[str, ...] = ()
) -> dict[str, list[parsing.Node]]:
    """The trees a file holds, by language; UnreadableText says the line and what was wrong."""
    if fmt not in FORMATS:
        raise UnreadableText(1, _("unknown format; choose Markdown or the ETS layout."))
    if len(content) > MAX_BYTES:
        raise UnreadableText(1, _("the file is larger than 5 MB."))
    text = parsing.decode(content)
    if not text.strip():
        raise UnreadableText(1, _("the file is empty."))
    if fmt == "markdown":
        return {language: parsing.parse_markdown(text)}
    trees = {
        lang: parsing.parse_ets(lines, first)
        for lang, (lines, first) in parsing.split_ets_languages(text).items()
        if not only or lang in only
    }
    base, *others = list(trees)
    for other in others:
        parsing.same_shape(trees[base], trees[other], other, base)
    return trees


def import_revision(
    text: Text,
    *,
    actor: Any,
    content: bytes,
    fmt: str = "markdown",
    language: str = "en",
    title: str,
    issued_on: date | None = None,
    deadline: datetime | None = None,
    only: tuple[str, ...] = (),
) -> Revision:
    """Read a file into a new revision of the text, in every language it holds (or `only`
    those); nothing is stored if any line cannot be read."""
    trees = read_tree(content, fmt=fmt, language=language, only=only)
    base = next(iter(trees))
    with transaction.atomic():
        number = (text.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        revision = Revision.objects.create(
            text=text,
            number=number,
            title=title,
            issued_on=issued_on,
            language=base,
            languages=list(trees),
            deadline=deadline,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        elements = _write_tree(revision, trees[base])
        for lang, nodes in trees.items():
            _write_texts(elements, nodes, lang)
        audit.record(
            "drafts.revision.imported",
            actor=actor,
            obj=revision,
            process=text.process,
            data={"number": number, "languages": list(trees), "elements": len(elements)},
        )
        from core.tasks import enqueue_on_commit

        from ..tasks import follow_new_revision

        enqueue_on_commit(follow_new_revision, revision.pk)
    return revision


def add_language(revision: Revision, *, actor: Any, content: bytes, language: str) -> Revision:
    """Add a language version (Markdown) of a revision: the very same tree, in other words."""
    if language in revision.languages:
        raise InvalidSubmission(_("This revision already has this language."), "language")
    nodes = read_tree(content, fmt="markdown", language=language)[language]
    elements = list(revision.elements.order_by("position"))
    base = [parsing.Node(kind=e.kind, label=e.label, line=0, eid=e.eid) for e in elements]
    parsing.same_shape(base, nodes, language, revision.language)
    with transaction.atomic():
        _write_texts(elements, nodes, language)
        revision.languages = [*revision.languages, language]
        Revision.objects.filter(pk=revision.pk).update(languages=revision.languages)
        audit.record(
            "drafts.revision.language_added",
            actor=actor,
            obj=revision,
            process=revision.text.process,
            data={"language": language},
        )
    return revision


def set_deadline(revision: Revision, *, actor: Any, deadline: datetime | None) -> Revision:
    """Set or clear the deadline of the call for submissions on a revision."""
    with transaction.atomic():
        Revision.objects.filter(pk=revision.pk).update(deadline=deadline)
        revision.deadline = deadline
        audit.record(
            "drafts.revision.deadline_set",
            actor=actor,
            obj=revision,
            process=revision.text.process,
            data={"deadline": deadline.isoformat() if deadline else None},
        )
    return revision


def _write_tree(revision: Revision, nodes: list[parsing.Node]) -> list[Element]:
    """Elements level by level, so each parent has its id before its children are written."""
    elements = [
        Element(
            revision=revision,
            kind=n.kind,
            label=n.label,
            eid=n.eid,
            position=i,
            depth=n.depth,
        )
        for i, n in enumerate(nodes)
    ]
    for depth in range(max(n.depth for n in nodes) + 1):
        level = []
        for node, element in zip(nodes, elements, strict=True):
            if node.depth != depth:
                continue
            if node.parent is not None:
                element.parent_id = elements[node.parent].pk
                parent = elements[node.parent]
                element.article_id = parent.article_id if parent.kind != "article" else parent.pk
            level.append(element)
        Element.objects.bulk_create(level)
        for element in level:
            if element.kind == "article":
                element.article_id = element.pk
    Element.objects.bulk_update([e for e in elements if e.kind == "article"], ["article"])
    return elements


def _write_texts(elements: list[Element], nodes: list[parsing.Node], language: str) -> None:
    ElementText.objects.bulk_create(
        ElementText(
            element=element,
            language=language,
            num=node.num,
            heading=node.heading[:500],
            text="\n\n".join(node.text),
            wrap_up="\n\n".join(node.wrap_up),
        )
        for element, node in zip(elements, nodes, strict=True)
    )
