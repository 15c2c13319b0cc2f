"""Mass campaigns among written texts: exact duplicates, and near-identical texts found with
MinHash LSH (datasketch), so that a report counts unique arguments beside signatures ("1
argument, 4,812 signatures").

Texts are compared after normalisation (Unicode NFKC, case folded, punctuation and spacing
dropped); exact duplicates are those equal after it. The rest are shingled into word pairs
(character 4-grams for very short texts and scripts without spaces), each distinct text gets
one MinHash, and LSH proposes pairs whose estimated Jaccard similarity is then checked against
the threshold; groups are the connected pairs. The representative text of a group is its most
frequent wording (the earliest on a tie).
"""

import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

DEFAULT_THRESHOLD = 0.7
NUM_PERM = 64
_WORD = re.compile(r"\w+", re.UNICODE)
# A fixed permutation seed: the same texts always give the same groups.
_SEED = 1


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_WORD.findall(text))


def shingles(normalised: str) -> set[bytes]:
    """Word pairs of the normalised text (a changed word moves two of them); character 4-grams
    for texts of fewer than 4 words, and for scripts written without spaces."""
    words = normalised.split()
    if len(words) >= 4:
        return {f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)}
    if len(normalised) <= 4:
        return {normalised.encode()}
    return {normalised[i : i + 4].encode() for i in range(len(normalised) - 3)}


def _crc(data: bytes) -> int:
    return zlib.crc32(data)


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=_crc)


def minhash(grams: set[bytes]) -> MinHash:
    m = MinHash(
        num_perm=NUM_PERM,
        seed=_SEED,
        hashfunc=_crc,
        permutations=_TEMPLATE.permutations,
    )
    m.update_batch(list(grams))
    return m


@dataclass
class Group:
    """Texts that say one thing: `signatures` of them in `wordings` distinct forms."""

    representative: str
    signatures: int
    wordings: int
    members: list[int] = field(default_factory=list)  # indices into the texts given


@dataclass
class Report:
    threshold: float
    texts: int
    arguments: int  # distinct arguments once every group counts as one
    exact: list[Group]
    near: list[Group]


def _union_find(n: int) -> tuple[list[int], Any]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    return parent, find


def detect(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD) -> Report:
    """Exact duplicates and near-duplicate groups (of two texts or more) among `texts`."""
    if not 0.5 <= threshold <= 1.0:
        raise ValueError("The Jaccard threshold is between 0.5 and 1.")
    norms = [normalise(t) for t in texts]
    by_norm: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(norms):
        if n:
            by_norm[n].append(i)
    distinct = list(by_norm)
    exact = [Group(texts[idx[0]], len(idx), 1, idx) for idx in by_norm.values() if len(idx) > 1]
    exact.sort(key=lambda g: (-g.signatures, g.members[0]))
    parent, find = _union_find(len(distinct))
    if threshold < 1.0 and len(distinct) > 1:
        _link_near(distinct, threshold, parent, find)
    clusters: dict[int, list[int]] = defaultdict(list)
    for d in range(len(distinct)):
        clusters[find(d)].append(d)
    near = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        indices = sorted(i for d in members for i in by_norm[distinct[d]])
        top = max(members, key=lambda d: (len(by_norm[distinct[d]]), -by_norm[distinct[d]][0]))
        near.append(Group(texts[by_norm[distinct[top]][0]], len(indices), len(members), indices))
    near.sort(key=lambda g: (-g.signatures, g.members[0]))
    return Report(
        threshold=threshold,
        texts=sum(1 for n in norms if n),
        arguments=len(clusters),
        exact=exact,
        near=near,
    )


def _link_near(distinct: list[str], threshold: float, parent: list[int], find: Any) -> None:
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    hashes = [minhash(shingles(text)) for text in distinct]
    for d, m in enumerate(hashes):
        for other in lsh.query(m):
            if m.jaccard(hashes[other]) >= threshold:
                a, b = find(d), find(other)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        lsh.insert(d, m)


def pair_scores(found: list[list[int]], truth: list[list[int]]) -> tuple[float, float]:
    """Pairwise precision and recall of found groups against planted ones."""
    found_label = {i: g for g, members in enumerate(found) for i in members}
    true_label = {i: g for g, members in enumerate(truth) for i in members}
    both = Counter((found_label[i], true_label[i]) for i in found_label if i in true_label)

    def pairs(counts: Counter[Any]) -> float:
        values = np.array(list(counts.values()), dtype=float)
        return float((values * (values - 1) / 2).sum())

    agree = pairs(both)
    found_pairs = pairs(Counter(found_label.values()))
    true_pairs = pairs(Counter(true_label.values()))
    precision = agree / found_pairs if found_pairs else 1.0
    recall = agree / true_pairs if true_pairs else 1.0
    return precision, recall


# Consultations ---------------------------------------------------------------------------------


def _text_paths(form: Any) -> list[tuple[str, str, Any]]:
    """(path, name, question) of every text question; a path inside a repeat is repeat/name."""
    found: list[tuple[str, str, Any]] = []

    def walk(questions: Sequence[Any], repeat: str) -> None:
        for q in questions:
            if q.type == "repeat":
                walk(q.children, q.name)
            elif q.children:
                walk(q.children, repeat)
            elif q.type == "text":
                found.append((f"{repeat}/{q.name}" if repeat else q.name, q.name, q))

    walk(form.children, "")
    return found


def _answers(rows: Sequence[dict[str, Any]], path: str) -> list[str]:
    repeat, _sep, name = path.rpartition("/")
    texts: list[str] = []
    for answers in rows:
        entries = answers.get(repeat, []) if repeat else [answers]
        for entry in entries if isinstance(entries, list) else []:
            value = entry.get(name) if isinstance(entry, dict) else None
            if isinstance(value, str) and value.strip():
                texts.append(value)
    return texts


def consultation_campaigns(consultation: Any, *, threshold: float) -> list[dict[str, Any]]:
    """Per written question of a consultation: its campaigns and exact duplicates."""
    from consultations.selectors import current_version, definition_of, responses_of

    version = current_version(consultation)
    if version is None:
        return []
    form = definition_of(version)
    rows = list(responses_of(consultation).values_list("answers", flat=True))
    language = form.default_language
    result = []
    for path, name, question in _text_paths(form):
        texts = _answers(rows, path)
        label = question.labels.get(language) or next(iter(question.labels.values()), name)
        result.append({"path": path, "label": label, "report": detect(texts, threshold=threshold)})
    return result
