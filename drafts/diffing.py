"""What changed between two revisions, article by article: added, removed, renumbered (matched
by content, not only by number) and changed, with word-level changes from diff-match-patch."""

import re
from dataclasses import dataclass, field
from typing import Any

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz

from .models import Revision
from .selectors import Item, articles, plain_text, tree

TOKENS = re.compile(r"\s+|[^\w\s]|\w+", re.UNICODE)
# Two articles are the same article changed when their wording is at least this similar (0-100).
SAME_ARTICLE = 50.0
# A match that keeps its number is preferred to an equally good one that does not.
SAME_NUMBER_BONUS = 10.0

Op = tuple[int, str]  # -1 deleted, 0 kept, 1 inserted (diff-match-patch's own codes)


def word_diff(old: str, new: str) -> list[Op]:
    """Word-level differences: each word is one symbol for diff-match-patch (its line-mode
    trick, applied to words), so changes never split a word."""
    symbols: dict[str, str] = {}
    words: list[str] = []

    def encode(text: str) -> str:
        out = []
        for token in TOKENS.findall(text):
            if token not in symbols:
                words.append(token)
                symbols[token] = (
                    chr(0xE000 + len(words)) if len(words) < 6400 else chr(0xF0000 + len(words))
                )
            out.append(symbols[token])
        return "".join(out)

    a, b = encode(old), encode(new)
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0
    diffs = dmp.diff_main(a, b, False)
    dmp.diff_cleanupSemantic(diffs)
    decode = {v: k for k, v in symbols.items()}
    return _merge([(op, "".join(decode[ch] for ch in chunk)) for op, chunk in diffs])


def _merge(ops: list[Op]) -> list[Op]:
    merged: list[Op] = []
    for op, text in ops:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return merged


def inserted_spans(ops: list[Op]) -> list[tuple[int, int]]:
    """Where the new text's inserted words lie, as (start, end) offsets in the new text."""
    spans, at = [], 0
    for op, text in ops:
        if op == 1:
            spans.append((at, at + len(text)))
        if op != -1:
            at += len(text)
    return spans


@dataclass
class ArticleChange:
    status: str  # unchanged, changed, renumbered, added, removed
    old: Item | None
    new: Item | None
    ops: list[Op] = field(default_factory=list)
    similarity: float = 100.0
    changed_wording: bool = True

    @property
    def eid(self) -> str:
        return (self.new or self.old).eid  # type: ignore[union-attr]


def content(item: Item) -> str:
    """An article's wording without its own number, to match articles that were renumbered."""
    text = plain_text(item)
    first, _, rest = text.partition("\n")
    head = first.removeprefix(item.num).strip() if item.num else first
    return f"{head}\n{rest}".strip()


def match_articles(
    old: list[Item], new: list[Item]
) -> list[tuple[Item | None, Item | None, float]]:
    """Pairs of (old, new, similarity): identical wording first, then the most similar pairs
    above SAME_ARTICLE, the rest added or removed."""
    old_content = [content(a) for a in old]
    new_content = [content(b) for b in new]
    pairs: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, text in enumerate(new_content):
        by_text.setdefault(text, []).append(j)
    for i, text in enumerate(old_content):
        free = [j for j in by_text.get(text, []) if j not in taken]
        if free:
            same = [j for j in free if new[j].element.label == old[i].element.label]
            j = (same or free)[0]
            pairs[i] = (j, 100.0)
            taken.add(j)
    candidates = []
    for i, a in enumerate(old_content):
        if i in pairs:
            continue
        for j, b in enumerate(new_content):
            if j in taken:
                continue
            score = fuzz.ratio(a, b)
            if score >= SAME_ARTICLE:
                bonus = SAME_NUMBER_BONUS if new[j].element.label == old[i].element.label else 0
                candidates.append((score + bonus, score, i, j))
    for _ranked, score, i, j in sorted(candidates, reverse=True):
        if i in pairs or j in taken:
            continue
        pairs[i] = (j, score)
        taken.add(j)
    result: list[tuple[Item | None, Item | None, float]] = []
    for i, item in enumerate(old):
        if i in pairs:
            j, score = pairs[i]
            result.append((item, new[j], score))
        else:
            result.append((item, None, 0.0))
    result += [(None, b, 0.0) for j, b in enumerate(new) if j not in taken]
    return result


def compare(old: Revision, new: Revision, language: str = "") -> list[ArticleChange]:
    """Every article of both revisions, in the new revision's order (removed ones where they
    were), with its status and word-level changes."""
    language = language if language in old.languages and language in new.languages else ""
    old_items = articles(tree(old, language or old.language))
    new_items = articles(tree(new, language or new.language))
    changes = []
    for a, b, score in match_articles(old_items, new_items):
        if a is None:
            changes.append(ArticleChange("added", None, b, [(1, plain_text(b))], 0.0))  # type: ignore[arg-type]
        elif b is None:
            changes.append(ArticleChange("removed", a, None, [(-1, plain_text(a))], 0.0))
        else:
            ops = word_diff(plain_text(a), plain_text(b))
            reworded = content(a) != content(b)
            if a.element.label != b.element.label:
                status = "renumbered"
            else:
                status = "changed" if reworded else "unchanged"
            changes.append(ArticleChange(status, a, b, ops, score, reworded))
    return _in_new_order(changes, new_items)


def _in_new_order(changes: list[ArticleChange], new_items: list[Item]) -> list[ArticleChange]:
    place = {item.element.pk: n for n, item in enumerate(new_items)}
    keyed: list[tuple[float, ArticleChange]] = []
    last = -1.0
    for change in changes:
        if change.new is not None:
            last = place[change.new.element.pk]
            keyed.append((last, change))
        else:
            keyed.append((last + 0.5, change))
    return [c for _k, c in sorted(keyed, key=lambda kc: kc[0])]


def summary(changes: list[ArticleChange]) -> dict[str, int]:
    counts = dict.fromkeys(("unchanged", "changed", "renumbered", "added", "removed"), 0)
    for change in changes:
        counts[change.status] += 1
    return counts


def as_json(change: ArticleChange) -> dict[str, Any]:
    def side(item: Item | None) -> dict[str, str] | None:
        if item is None:
            return None
        return {"eid": item.eid, "number": item.element.label, "heading": item.heading}

    return {
        "status": change.status,
        "old": side(change.old),
        "new": side(change.new),
        "similarity": round(change.similarity, 1),
        "wording_changed": change.changed_wording,
        "changes": [
            {"op": {-1: "delete", 0: "equal", 1: "insert"}[op], "text": text}
            for op, text in change.ops
        ],
    }
