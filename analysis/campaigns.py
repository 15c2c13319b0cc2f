"""Mass campaigns among written texts: exact duplicates, and near-identical texts found with
MinHash LSH, so that a report counts unique arguments beside signatures ("1
argument, 4,812 signatures").

Texts are compared after normalisation (Unicode NFKC, case folded, punctuation and spacing
dropped); exact duplicates are those equal after it. The rest are shingled into word pairs
(character 4-grams for very short texts and scripts without spaces). The MinHash signatures of
all distinct texts are computed at once with numpy (a universal hash family over one flat array
of shingle hashes; datasketch's per-object MinHash took 788 s on a million comments), LSH bands
propose candidate pairs, each text against its bucket's most copied text and its neighbour
there, and a candidate is linked when its exact Jaccard similarity reaches the threshold;
groups are the connected pairs. The representative text of a group is its most
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
from datasketch import MinHash

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
        _link_near(distinct, threshold, parent, find, [len(by_norm[t]) for t in distinct])
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


_PRIME = np.uint64((1 << 61) - 1)
_RNG = np.random.RandomState(_SEED)
# A universal hash family (a * x + b) mod p with a, b < 2**32, so that a * x + b fits in 64 bits.
_A = _RNG.randint(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _RNG.randint(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)


def _hashed_shingles(distinct: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The shingle hashes of every text in one flat array, and where each text's run starts."""
    grams = [[_crc(g) for g in shingles(text)] for text in distinct]
    lengths = np.fromiter((len(g) for g in grams), dtype=np.int64, count=len(grams))
    flat = np.fromiter((h for g in grams for h in g), dtype=np.uint64, count=int(lengths.sum()))
    return flat, np.concatenate(([0], np.cumsum(lengths)))


def signatures(flat: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """MinHash signatures of all texts at once, (texts, NUM_PERM): numpy over the flat array of
    shingle hashes, one permutation at a time, instead of one MinHash object per text."""
    result = np.empty((len(bounds) - 1, NUM_PERM), dtype=np.uint64)
    for j in range(NUM_PERM):
        hashed = (flat * _A[j] + _B[j]) % _PRIME
        result[:, j] = np.minimum.reduceat(hashed, bounds[:-1])
    return result


def _candidates(sig: np.ndarray, copies: np.ndarray) -> np.ndarray:
    """Pairs (i, j) sharing an LSH bucket: each text with its bucket's first text (its most
    copied: a campaign's template) and with the text before it there, so that a campaign of n
    texts costs n pairs per band, not n squared."""
    bands, rows = NUM_PERM // 4, 4
    found = []
    for band in range(bands):
        part = np.ascontiguousarray(sig[:, band * rows : (band + 1) * rows])
        keys = part.view(np.dtype((np.void, part.dtype.itemsize * rows))).ravel()
        order = np.lexsort((-copies, keys))
        same = keys[order][1:] == keys[order][:-1]
        starts = np.concatenate(([True], ~same))
        leader = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
        found.append(np.stack([order[1:][same], order[:-1][same]], axis=1))
        found.append(np.stack([order, leader], axis=1)[order != leader])
    pairs = np.sort(np.concatenate(found), axis=1)
    return np.unique(pairs, axis=0)


def _link_near(
    distinct: list[str], threshold: float, parent: list[int], find: Any, copies: list[int]
) -> None:
    """Candidates from 16 bands of 4 rows (sensitive: a pair at Jaccard 0.75 shares a bucket
    with 99.8 % chance), screened by their MinHash estimate, then checked on their exact
    Jaccard similarity, so that the threshold shown is the one applied."""
    flat, bounds = _hashed_shingles(distinct)
    sig = signatures(flat, bounds)
    pairs = _candidates(sig, np.asarray(copies))
    if not len(pairs):
        return
    estimate = (sig[pairs[:, 0]] == sig[pairs[:, 1]]).mean(axis=1)
    for d, other in pairs[estimate >= threshold - 0.2].tolist():
        a = set(flat[bounds[d] : bounds[d + 1]].tolist())
        b = set(flat[bounds[other] : bounds[other + 1]].tolist())
        if len(a & b) >= threshold * len(a | b):
            x, y = find(d), find(other)
            if x != y:
                parent[max(x, y)] = min(x, y)


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
