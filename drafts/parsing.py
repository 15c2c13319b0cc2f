"""Reading a negotiating text into a tree: Consulta's Markdown, and the layout of treaty texts
published as Markdown by the Netherlands government (ETS 185 and its protocol).

Both front ends turn lines into the same events (a chapter, an article, a numbered paragraph,
a lettered sub-paragraph, text); one builder makes the tree from them and refuses, with the line
and what was expected there, what does not fit: an article number given twice, a paragraph
outside an article. Nothing here touches the database.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .choices import EID_PREFIX, ElementKind
from .exceptions import UnreadableText

K = ElementKind


@dataclass
class Node:
    kind: str
    label: str
    line: int
    parent: int | None = None
    num: str = ""
    heading: str = ""
    text: list[str] = field(default_factory=list)
    wrap_up: list[str] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    eid: str = ""
    depth: int = 0


@dataclass(frozen=True)
class Event:
    kind: str  # a K value, "heading", "text", "dash" or "skip"
    line: int
    label: str = ""
    num: str = ""
    text: str = ""


ROMAN = re.compile(r"^[ivxlc]+$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_to_int(value: str) -> int | None:
    value = value.lower()
    if not ROMAN.match(value):
        return None
    total = 0
    for i, ch in enumerate(value):
        v = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[value[i + 1]] if i + 1 < len(value) else 0
        total += -v if v < nxt else v
    return total


def _eid_part(label: str, kind: str) -> str:
    if kind == K.CHAPTER:
        number = roman_to_int(label)
        if number is not None:
            return str(number)
    return re.sub(r"[^0-9a-z]+", "", label.lower()) or "x"


# Front ends ---------------------------------------------------------------------------------------

_PARA = re.compile(r"^(\d+)[.)](?:\s+|$)(.*)$")
_POINT = re.compile(
    r"^\(?([a-z]|[ivxlc]+)\)\s*(\S.*)$|^([a-z]|[ivxlc]+)\.(?:\s+|(?=[A-Z\u201e\u201c\"]))(.*)$"
)
_DASH = re.compile(r"^[-–—•*]\s+(.*)$")
_SEPARATOR = r"\s*(?:[.:—–-]\s*)?"
_MD_CHAPTER = re.compile(
    r"^(?:chapter|chapitre|cap[ií]tulo|глава|الفصل|第)\s*([0-9ivxlc]+)\b" + _SEPARATOR + r"(.*)$",
    re.I,
)
_MD_ARTICLE = re.compile(
    r"^(?:article|art\.|art[ií]culo|статья|المادة|条)\s*([0-9]+(?:\s*(?:bis|ter|quater))?)\b"
    + _SEPARATOR
    + r"(.*)$",
    re.I,
)
# Sections (###) and titles (####) group articles in a chapter, as in ETS 185.
_MD_DIVISION = {
    3: re.compile(r"^section\s+([0-9]+)\b" + _SEPARATOR + r"(.*)$", re.I),
    4: re.compile(r"^title\s+([0-9]+)\b" + _SEPARATOR + r"(.*)$", re.I),
}
_CLOSING_TITLES = ("conclusions", "final clause", "clause finale", "cláusula final")
_PREAMBLE_TITLES = ("preamble", "préambule", "preámbulo", "преамбула", "الديباجة", "序言")


def _body_event(text: str, line: int) -> Event:
    """A line of body text: a numbered paragraph, a sub-paragraph, a dash item or plain text."""
    if m := _PARA.match(text):
        return Event(K.PARAGRAPH, line, m.group(1), text[: m.start(2)].strip(), m.group(2))
    if m := _POINT.match(text):
        label = m.group(1) or m.group(3)
        rest = m.group(2) if m.group(1) else m.group(4)
        start = m.start(2) if m.group(1) else m.start(4)
        return Event(K.POINT, line, label, text[:start].strip(), rest)
    if m := _DASH.match(text):
        return Event("dash", line, text=text)
    return Event("text", line, text=text)


def markdown_events(lines: list[str], first_line: int = 1) -> Iterator[Event]:
    """`# Chapter I. Title`, `## Article 5. Title`, `1.` paragraphs, `(a)` sub-paragraphs."""
    for offset, raw in enumerate(lines):
        line = first_line + offset
        text = raw.strip()
        if not text:
            yield Event("blank", line)
            continue
        if text.startswith("#") and (m := re.match(r"^(#+)\s+(.*)$", text)):
            level, title = len(m.group(1)), m.group(2).strip()
            if level == 1:
                if title.lower() in _PREAMBLE_TITLES:
                    yield Event(K.PREAMBLE, line)
                elif title.lower() in _CLOSING_TITLES:
                    yield Event(K.CONCLUSIONS, line)
                elif c := _MD_CHAPTER.match(title):
                    yield Event(K.CHAPTER, line, c.group(1), title[: c.end(1)], c.group(2).strip())
                else:
                    yield Event(K.CHAPTER, line, "", "", title)
            elif level == 2:
                a = _MD_ARTICLE.match(title)
                if a is None:
                    raise UnreadableText(
                        line,
                        _(
                            "expected “## Article <number>” (with an optional title), "
                            "found “%(text)s”."
                        )
                        % {"text": title[:80]},
                    )
                label = a.group(1).replace(" ", "")
                yield Event(K.ARTICLE, line, label, title[: a.end(1)], a.group(2).strip())
            elif level in (3, 4) and (d := _MD_DIVISION[level].match(title)):
                kind = K.SECTION if level == 3 else K.TITLE
                yield Event(kind, line, d.group(1), title[: d.end(1)], d.group(2).strip())
            else:
                raise UnreadableText(
                    line,
                    _("expected “#” for a chapter or “##” for an article; “%(marks)s” is not used.")
                    % {"marks": m.group(1)},
                )
            continue
        yield _body_event(text, line)


_ETS_CONTAINER = re.compile(
    r"^###\s*(CHAPTER|HOOFDSTUK|SECTION|AFDELING|TITLE|TITEL|Article|Artikel)\s+(\S+)\s*$"
)
_ETS_KINDS = {
    "CHAPTER": K.CHAPTER,
    "HOOFDSTUK": K.CHAPTER,
    "SECTION": K.SECTION,
    "AFDELING": K.SECTION,
    "TITLE": K.TITLE,
    "TITEL": K.TITLE,
    "Article": K.ARTICLE,
    "Artikel": K.ARTICLE,
}
_PREAMBLE_WORD = re.compile(r"^(Preamble|Preambule)\s*")


def _closing_words(text: str) -> bool:
    """The signature clause of a treaty: it opens with words in capitals (IN WITNESS WHEREOF)."""
    words = text.split()[:3]
    return len(words) == 3 and all(w.isupper() and w.isalpha() for w in words)


def ets_events(lines: list[str], first_line: int = 1) -> Iterator[Event]:
    """The layout of statengeneraal/laws-markdown: `### Article  N` then `####Title`."""
    seen_article = False
    for offset, raw in enumerate(lines):
        line = first_line + offset
        text = raw.strip()
        if not text:
            yield Event("blank", line)
            continue
        if text.startswith("<") or re.match(r"^##[^#]", text):
            continue
        if text.startswith("####"):
            yield Event("heading", line, text=text.lstrip("#").strip())
            continue
        if m := _ETS_CONTAINER.match(text):
            kind = _ETS_KINDS[m.group(1)]
            seen_article = seen_article or kind == K.ARTICLE
            yield Event(kind, line, m.group(2), f"{m.group(1).title()} {m.group(2)}")
            continue
        if text.startswith("#"):
            raise UnreadableText(line, _("expected a chapter, section, title or article heading."))
        if m := _PREAMBLE_WORD.match(text):
            yield Event(K.PREAMBLE, line)
            yield Event("text", line, text=text[m.end() :])
            continue
        if seen_article and _closing_words(text):
            yield Event(K.CONCLUSIONS, line)
        yield _body_event(text, line)


def split_ets_languages(content: str) -> dict[str, tuple[list[str], int]]:
    """The English text, then the Dutch one from its `####Verdrag …` heading on."""
    lines = content.splitlines()
    for index, line in enumerate(lines):
        if index > 5 and line.startswith("####Verdrag"):
            return {"en": (lines[:index], 1), "nl": (lines[index:], index + 1)}
    raise UnreadableText(
        len(lines), _("expected the Dutch part to start at a heading “####Verdrag …”.")
    )


# The builder -------------------------------------------------------------------------------------


class Builder:
    """Makes the tree from events, checking that each one may come where it does."""

    def __init__(self) -> None:
        self.nodes: list[Node] = []
        self.open: dict[str, int | None] = dict.fromkeys(
            (K.CHAPTER, K.SECTION, K.TITLE, K.ARTICLE, K.PARAGRAPH), None
        )
        self.points: list[int] = []  # the open sub-paragraphs, outermost first
        self.point_style = ""
        self.articles: dict[str, int] = {}
        self.last_block: tuple[int, str] | None = None  # the element and field text went to
        self.blank_before = True
        self.current: int | None = None  # where plain text goes
        self.in_conclusions = False

    def add(self, kind: str, event: Event, parent: int | None, **fields: str) -> int:
        node = Node(kind=kind, label=event.label, line=event.line, parent=parent, num=event.num)
        node.heading = fields.get("heading", "")
        self.nodes.append(node)
        index = len(self.nodes) - 1
        if parent is not None:
            self.nodes[parent].children.append(index)
        self.current = index
        return index

    def feed(self, event: Event) -> None:
        if event.kind == "blank":
            self.blank_before = True
            return
        handler = getattr(self, f"on_{event.kind}")
        handler(event)
        self.blank_before = False

    # Containers
    def close_below(self, kind: str) -> None:
        order: list[str] = [K.CHAPTER, K.SECTION, K.TITLE, K.ARTICLE, K.PARAGRAPH]
        for k in order[order.index(kind) :]:
            self.open[k] = None
        self.points = []
        self.last_block = None

    def on_preamble(self, event: Event) -> None:
        if self.nodes:
            raise UnreadableText(event.line, _("the preamble must come first."))
        self.add(K.PREAMBLE, event, None)

    def on_conclusions(self, event: Event) -> None:
        self.close_below(K.CHAPTER)
        self.in_conclusions = True
        self.add(K.CONCLUSIONS, event, None)

    def on_chapter(self, event: Event) -> None:
        self.close_below(K.CHAPTER)
        if not event.label:
            count = sum(1 for n in self.nodes if n.kind == K.CHAPTER)
            event = Event(K.CHAPTER, event.line, str(count + 1), "", event.text)
        self.open[K.CHAPTER] = self.add(K.CHAPTER, event, None, heading=event.text)

    def on_section(self, event: Event) -> None:
        self.close_below(K.SECTION)
        self.open[K.SECTION] = self.add(K.SECTION, event, self.open[K.CHAPTER], heading=event.text)

    def on_title(self, event: Event) -> None:
        self.close_below(K.TITLE)
        parent = self.open[K.SECTION] or self.open[K.CHAPTER]
        self.open[K.TITLE] = self.add(K.TITLE, event, parent, heading=event.text)

    def on_article(self, event: Event) -> None:
        if event.label in self.articles:
            first = self.nodes[self.articles[event.label]].line
            raise UnreadableText(
                event.line,
                _(
                    "Article %(number)s appears twice (first at line %(first)s): "
                    "give each article its own number."
                )
                % {"number": event.label, "first": first},
            )
        self.close_below(K.ARTICLE)
        parent = self.open[K.TITLE] or self.open[K.SECTION] or self.open[K.CHAPTER]
        index = self.add(K.ARTICLE, event, parent, heading=event.text)
        self.open[K.ARTICLE] = index
        self.articles[event.label] = index

    def on_heading(self, event: Event) -> None:
        target = self.current
        if target is None or self.nodes[target].kind in (K.PARAGRAPH, K.POINT, K.PREAMBLE):
            if not self.nodes:
                return  # the document's own title
            raise UnreadableText(event.line, _("expected text here, not a heading."))
        node = self.nodes[target]
        if node.heading or node.text:
            raise UnreadableText(event.line, _("this element already has a title."))
        node.heading = event.text

    # Body
    def _article_or_fail(self, event: Event, what: str) -> int:
        article = self.open[K.ARTICLE]
        if article is None:
            raise UnreadableText(
                event.line,
                _("%(what)s outside an article: expected “## Article <number>” before it.")
                % {"what": what},
            )
        return article

    def on_paragraph(self, event: Event) -> None:
        if self.in_conclusions or self.nodes and self.nodes[-1].kind == K.PREAMBLE:
            self.on_text(Event("text", event.line, text=f"{event.num} {event.text}"))
            return
        article = self._article_or_fail(event, _("a numbered paragraph"))
        for child in self.nodes[article].children:
            if self.nodes[child].kind == K.PARAGRAPH and self.nodes[child].label == event.label:
                raise UnreadableText(
                    event.line,
                    _("paragraph %(number)s appears twice in article %(article)s.")
                    % {"number": event.label, "article": self.nodes[article].label},
                )
        self.points = []
        index = self.add(K.PARAGRAPH, event, article)
        self.open[K.PARAGRAPH] = index
        self._write(index, "text", event.text)

    def _point_level(self, label: str) -> int:
        if not self.points:
            self.point_style = "roman" if label == "i" else "letter"
            return 1
        first = self.nodes[self.points[0]].label
        if self.point_style == "roman":
            return 1 if ROMAN.match(label) else 2
        follows = len(label) == 1 and len(first) == 1 and ord(label) == ord(first) + 1
        if ROMAN.match(label) and not follows:
            return 2
        return 1

    def on_point(self, event: Event) -> None:
        after_preamble = bool(self.nodes) and self.nodes[-1].kind == K.PREAMBLE
        if self.in_conclusions or (self.open[K.ARTICLE] is None and after_preamble):
            self.on_text(Event("text", event.line, text=f"{event.num} {event.text}"))
            return
        article = self._article_or_fail(event, _("a sub-paragraph"))
        level = self._point_level(event.label)
        self.points = self.points[: level - 1]
        parent = self.points[-1] if self.points else (self.open[K.PARAGRAPH] or article)
        for child in self.nodes[parent].children:
            if self.nodes[child].label == event.label:
                raise UnreadableText(
                    event.line,
                    _("sub-paragraph %(label)s appears twice in the same place.")
                    % {"label": event.num},
                )
        index = self.add(K.POINT, event, parent)
        self.points.append(index)
        self._write(index, "text", event.text)

    def on_dash(self, event: Event) -> None:
        target = self.current
        if target is None:
            self.on_text(event)
            return
        self._write(target, "text", event.text, separator="\n")

    def on_text(self, event: Event) -> None:
        if self.last_block is not None and not self.blank_before:
            index, name = self.last_block
            self._write(index, name, event.text, separator=" ")
            return
        target = self.current
        if target is None:
            target = self.add(K.PREAMBLE, event, None)
        node = self.nodes[target]
        if node.kind == K.POINT:
            # Words after sub-paragraphs close the paragraph (or article) that holds them.
            target = self.open[K.PARAGRAPH] or self.open[K.ARTICLE] or target
            self._write(target, "wrap_up", event.text)
            return
        if node.kind in (K.ARTICLE, K.PARAGRAPH) and node.children:
            self._write(target, "wrap_up", event.text)
            return
        if node.kind in (K.CHAPTER, K.SECTION, K.TITLE):
            raise UnreadableText(
                event.line, _("text outside an article: expected “## Article <number>” before it.")
            )
        self._write(target, "text", event.text)

    def _write(self, index: int, name: str, text: str, separator: str = "\n\n") -> None:
        parts: list[str] = getattr(self.nodes[index], name)
        if parts and separator != "\n\n":
            parts[-1] = f"{parts[-1]}{separator}{text.strip()}"
        else:
            parts.append(text.strip())
        self.last_block = (index, name)

    # Finishing
    def finish(self, last_line: int) -> list[Node]:
        if not any(n.kind == K.ARTICLE for n in self.nodes):
            raise UnreadableText(last_line, _("no article found: expected “## Article <number>”."))
        for node in self.nodes:
            node.eid = self._eid(node)
            node.depth = 0 if node.parent is None else self.nodes[node.parent].depth + 1
        return self.nodes

    def _eid(self, node: Node) -> str:
        if node.kind in (K.PREAMBLE, K.CONCLUSIONS):
            return str(node.kind)
        own = f"{EID_PREFIX[K(node.kind)]}_{_eid_part(node.label, node.kind)}"
        if node.kind == K.ARTICLE:
            # Articles are numbered through the treaty: their id keeps the chapter only, so that
            # regrouping sections and titles leaves the ids of articles alone.
            chapter = self._ancestor(node, K.CHAPTER)
            return f"{chapter.eid}__{own}" if chapter else own
        if node.parent is None:
            return own
        return f"{self.nodes[node.parent].eid}__{own}"

    def _ancestor(self, node: Node, kind: str) -> Node | None:
        while node.parent is not None:
            node = self.nodes[node.parent]
            if node.kind == kind:
                return node
        return None


def build(events: Iterator[Event], last_line: int) -> list[Node]:
    builder = Builder()
    for event in events:
        builder.feed(event)
    return builder.finish(last_line)


def parse_markdown(content: str) -> list[Node]:
    lines = content.splitlines()
    return build(markdown_events(lines), len(lines))


def parse_ets(lines: list[str], first_line: int) -> list[Node]:
    return build(ets_events(lines, first_line), first_line + len(lines))


def same_shape(base: list[Node], other: list[Node], language: str, base_language: str) -> None:
    """A language version must have the very tree of the original, element for element."""
    for a, b in zip(base, other, strict=False):
        if a.eid != b.eid:
            raise UnreadableText(
                b.line,
                _(
                    "the %(language)s version has %(found)s "
                    "where the %(base)s version has %(wanted)s."
                )
                % {"language": language, "found": b.eid, "base": base_language, "wanted": a.eid},
            )
    if len(base) != len(other):
        longer = other[len(base)] if len(other) > len(base) else base[len(other)]
        raise UnreadableText(
            longer.line,
            _("the %(language)s version has %(found)s elements, the %(base)s version %(wanted)s.")
            % {
                "language": language,
                "found": len(other),
                "base": base_language,
                "wanted": len(base),
            },
        )


def decode(content: bytes) -> str:
    """UTF-8 text, with a readable error for anything else (a PDF, a Word file)."""
    if b"\x00" in content:
        raise UnreadableText(1, _("this is not a text file: upload Markdown (.md) in UTF-8."))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        message = _("this file is not UTF-8 text: save it as UTF-8 Markdown.")
        raise UnreadableText(line, message) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")
