"""Mass campaigns among written texts: exact duplicates, and near-identical texts found with
MinHash LSH, so that a report counts unique arguments beside signatures ("1
argument, 4,812 signatures").

Texts are compared after normalisation (Unicode NFKC, case folded, punctuation and spacing
dropped); exact duplicates are those equal after it, and only one of each goes further. The rest
are shingled into word pairs (character 4-grams for texts of fewer than 4 words), hashed with
numpy over the texts' bytes. The signatures are datasketch's MinHash (its permutations and its
hash family, bit for bit: a test checks them against `MinHash.update_batch`, and `minhash` is
the per-text path), computed for all distinct texts at once with numpy over one flat array of
shingle hashes, in two threads; datasketch's per-object MinHash took 788 s on a million
comments. LSH bands propose candidate pairs, each text against its bucket's most copied text and
its neighbour there, and a candidate is linked when its exact Jaccard similarity (counted over
the sorted shingle sets of all candidates at once) reaches the threshold; groups are the
connected pairs. The representative text of a group is its most frequent wording (the earliest
on a tie). bench/analysis.py prints the time of each phase.
"""

import functools
import itertools
import re
import time
import unicodedata
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from datasketch import MinHash

DEFAULT_THRESHOLD = 0.7
NUM_PERM = 64
BANDS, ROWS = 16, 4
_WORD = re.compile(r"\w+", re.UNICODE)
# A fixed permutation seed: the same texts always give the same groups.
_SEED = 1
# Texts per block: a block's shingle hashes stay in the processor's cache across permutations.
_BLOCK = 1024
_THREADS = 2
# From this many texts, they are normalised in one pass.
_BULK = 10_000
_SHINGLE_BLOCK = 16384
_PAIR_BLOCK = 65536


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return " ".join(_WORD.findall(text))


def normalise_all(texts: Sequence[str]) -> list[str]:
    """`normalise` of every text; from many texts, in one pass over them joined by NUL (a
    character that neither normalisation nor case folding changes or combines with), where the
    characters that are not word characters become spaces through a table."""
    values = [t or "" for t in texts]
    joined = "\x00".join(values)
    if len(values) < _BULK or joined.count("\x00") != len(values) - 1:
        return [normalise(t) for t in values]
    joined = unicodedata.normalize("NFKC", joined).casefold()
    if joined.isascii():
        joined = joined.encode("ascii").translate(_ASCII_SPACES).decode("ascii")
    else:
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        spaced = np.where(_word_points()[points], points, np.uint32(32))
        joined = spaced.tobytes().decode("utf-32-le", "surrogatepass")
    return [" ".join(part.split()) for part in joined.split("\x00")]


@functools.cache
def _word_points() -> np.ndarray:
    """Whether each Unicode code point is a word character (`\\w`), NUL counted as one so that
    it stays."""
    table = np.array([bool(_WORD.match(chr(cp))) for cp in range(0x110000)], dtype=bool)
    table[0] = True
    return table


_ASCII_SPACES = bytes(c if c == 0 or _WORD.match(chr(c)) else 32 for c in range(256))


def shingles(normalised: str) -> set[bytes]:
    """Word pairs of the normalised text (a changed word moves two of them); character 4-grams
    for texts of fewer than 4 words, and for scripts written without spaces."""
    words = normalised.split()
    if len(words) >= 4:
        return {f"{a} {b}".encode() for a, b in zip(words, words[1:], strict=False)}
    return _grams(normalised)


def _grams(normalised: str) -> set[bytes]:
    if len(normalised) <= 4:
        return {normalised.encode()}
    return {normalised[i : i + 4].encode() for i in range(len(normalised) - 3)}


def _crc(data: bytes) -> int:
    return zlib.crc32(data)


_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S = {k: np.uint64(k) for k in (1, 27, 30, 31, 32, 61)}


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every bit of a pair of word hashes reaches every bit."""
    z = (z ^ (z >> _S[30])) * _M1
    z = (z ^ (z >> _S[27])) * _M2
    return z ^ (z >> _S[31])


def _pair_hashes(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """32-bit hashes of word pairs from the hashes of their words."""
    return _mix((first * _M1) ^ second) >> _S[32]


# Words are hashed as polynomials of their UTF-8 bytes modulo 2**64, then mixed.
_P = 0x100000001B3
_P_INVERSE = pow(_P, -1, 1 << 64)


def _word_hash(word: str) -> int:
    value = 0
    for byte in reversed(word.encode()):
        value = (value * _P + byte) % (1 << 64)
    return value


def shingle_hashes(normalised: str) -> set[int]:
    """The 32-bit hashes of a text's shingles, one text at a time: the reference of the bulk
    path (`_hashed_shingles`)."""
    words = normalised.split()
    if len(words) < 4:
        return {_crc(g) for g in _grams(normalised)}
    hashes = _mix(np.array([_word_hash(w) for w in words], dtype=np.uint64))
    return set(_pair_hashes(hashes[:-1], hashes[1:]).tolist())


_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=int)
_A, _B = _TEMPLATE.permutations
_PRIME = np.uint64((1 << 61) - 1)
_MAX_HASH = np.uint64((1 << 32) - 1)


def minhash(normalised: str) -> MinHash:
    """datasketch's MinHash of one normalised text, the per-text path that `signatures` computes
    for all texts at once."""
    m = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=int, permutations=_TEMPLATE.permutations)
    m.update_batch(sorted(shingle_hashes(normalised)))
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


def detect(
    texts: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    timings: dict[str, float] | None = None,
) -> Report:
    """Exact duplicates and near-duplicate groups (of two texts or more) among `texts`;
    `timings`, when given, receives the seconds of each phase."""
    if not 0.5 <= threshold <= 1.0:
        raise ValueError("The Jaccard threshold is between 0.5 and 1.")
    clock = _Clock(timings)
    norms = normalise_all(texts)
    clock.lap("normalise")
    distinct, first, where = _collapse(norms)
    copies = np.bincount(where[where >= 0], minlength=len(distinct))
    clock.lap("exact duplicates")
    parent = np.arange(len(distinct), dtype=np.int64)
    if threshold < 1.0 and len(distinct) > 1:
        parent = _link_near(distinct, threshold, copies, clock)
    report = _report(texts, threshold, first, where, copies, parent)
    clock.lap("groups")
    return report


class _Clock:
    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.at = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[phase] = self.timings.get(phase, 0.0) + now - self.at
        self.at = now


def _collapse(norms: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The distinct non-empty texts in order of first appearance, the index of each one's first
    text, and each text's distinct text (-1 for an empty one)."""
    seen: dict[str, int] = {}
    firsts = np.fromiter(
        map(seen.setdefault, norms, itertools.count()), dtype=np.int64, count=len(norms)
    )
    seen.pop("", None)
    distinct = list(seen)
    first = np.fromiter(seen.values(), dtype=np.int64, count=len(distinct))
    where = np.searchsorted(first, firsts)
    where[[not n for n in norms]] = -1
    return distinct, first, where


def _report(
    texts: Sequence[str],
    threshold: float,
    first: np.ndarray,
    where: np.ndarray,
    copies: np.ndarray,
    parent: np.ndarray,
) -> Report:
    root = _roots(parent)
    used = np.flatnonzero(where >= 0)
    size = np.bincount(root, minlength=len(root))
    exact = _groups(texts, used, where[used], first, copies, copies > 1)
    near = _groups(texts, used, root[where[used]], first, copies, size > 1, root)
    return Report(
        threshold=threshold,
        texts=len(used),
        arguments=int((root == np.arange(len(root))).sum()),
        exact=exact,
        near=near,
    )


def _roots(parent: np.ndarray) -> np.ndarray:
    root = parent.copy()
    while True:
        up = root[root]
        if (up == root).all():
            return root
        root = up


def _groups(
    texts: Sequence[str],
    used: np.ndarray,
    label: np.ndarray,
    first: np.ndarray,
    copies: np.ndarray,
    kept: np.ndarray,
    root: np.ndarray | None = None,
) -> list[Group]:
    """Groups of the texts `used` by `label` (a distinct text, or the root of its near group)
    where `kept[label]`; sorted by signatures, then by first member."""
    inside = kept[label]
    members, labels = used[inside], label[inside]
    order = np.argsort(labels, kind="stable")
    members, labels = members[order], labels[order]
    if not len(labels):
        return []
    starts = np.flatnonzero(np.concatenate(([True], labels[1:] != labels[:-1])))
    ends = np.append(starts[1:], len(labels))
    tops = _tops(root, copies, labels[starts]) if root is not None else labels[starts]
    wordings = np.bincount(root, minlength=len(root)) if root is not None else None
    groups = []
    for s, e, label_of, top in zip(
        starts.tolist(), ends.tolist(), labels[starts].tolist(), tops.tolist(), strict=True
    ):
        count = int(wordings[label_of]) if wordings is not None else 1
        groups.append(Group(texts[int(first[top])], e - s, count, members[s:e].tolist()))
    groups.sort(key=lambda g: (-g.signatures, g.members[0]))
    return groups


def _tops(root: np.ndarray, copies: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Per near group (by its root): its most copied wording, the earliest on a tie."""
    order = np.lexsort((np.arange(len(root)), -copies, root))
    heads = order[np.concatenate(([True], root[order][1:] != root[order][:-1]))]
    return heads[np.searchsorted(root[heads], roots)]


def _hashed_shingles(distinct: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The shingle hashes of every text in one flat array, and where each text's run starts:
    word pairs hashed with numpy over the texts' bytes, block by block."""
    parts, lengths = [], []
    for at in range(0, len(distinct), _SHINGLE_BLOCK):
        flat, length = _block_shingles(distinct[at : at + _SHINGLE_BLOCK])
        parts.append(flat)
        lengths.append(length)
    length = np.concatenate(lengths)
    return np.concatenate(parts), np.concatenate(([0], np.cumsum(length)))


def _block_word_hashes(block: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The hash of every word of the texts (`_word_hash`, then mixed) and its text: prefix sums
    of byte * P**k, so that a word's polynomial is a difference times P**-start."""
    data = np.frombuffer(("\n".join(block) + "\n").encode(), dtype=np.uint8)
    ends = np.flatnonzero((data == 32) | (data == 10))
    starts = np.concatenate(([0], ends[:-1] + 1))
    owner = np.concatenate(([0], np.cumsum(data[ends] == 10)[:-1]))
    powers = np.full(len(data), _P, dtype=np.uint64)
    powers[0] = 1
    np.multiply.accumulate(powers, out=powers)
    prefix = np.concatenate(([np.uint64(0)], np.cumsum(data * powers, dtype=np.uint64)))
    inverse = np.full(len(data), _P_INVERSE, dtype=np.uint64)
    inverse[0] = 1
    np.multiply.accumulate(inverse, out=inverse)
    return _mix((prefix[ends] - prefix[starts]) * inverse[starts]), owner


def _block_shingles(block: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    word, owner = _block_word_hashes(block)
    words = np.bincount(owner, minlength=len(block))
    long = words >= 4
    paired = (owner[:-1] == owner[1:]) & long[owner[:-1]]
    short = [sorted(_crc(g) for g in _grams(block[i])) for i in np.flatnonzero(~long).tolist()]
    length = np.where(long, words - 1, 0)
    length[~long] = [len(s) for s in short]
    flat = np.empty(int(length.sum()), dtype=np.uint64)
    from_pairs = np.repeat(long, length)
    flat[from_pairs] = _pair_hashes(word[:-1][paired], word[1:][paired])
    flat[~from_pairs] = [h for s in short for h in s]
    return flat, length


def signatures(flat: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """datasketch's MinHash signatures of all texts at once, (texts, NUM_PERM) as uint32: its
    (a * x + b) mod (2**61 - 1), truncated to 32 bits, in uint64 numpy arithmetic (wrapping as
    datasketch's does), over blocks of texts shared by two threads (numpy frees the GIL)."""
    result = np.empty((len(bounds) - 1, NUM_PERM), dtype=np.uint32)

    def run(start: int) -> None:
        stop = min(start + _BLOCK, len(bounds) - 1)
        lo, hi = int(bounds[start]), int(bounds[stop])
        result[start:stop] = _block_signatures(flat[lo:hi], bounds[start:stop] - lo)

    with ThreadPoolExecutor(_THREADS) as pool:
        list(pool.map(run, range(0, len(bounds) - 1, _BLOCK)))
    return result


def _block_signatures(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    out = np.empty((len(starts), NUM_PERM), dtype=np.uint32)
    x, r = np.empty_like(values), np.empty_like(values)
    for j in range(NUM_PERM):
        np.multiply(values, _A[j], out=x)
        x += _B[j]
        # x mod p for the Mersenne prime p = 2**61 - 1, without a division.
        np.bitwise_and(x, _PRIME, out=r)
        x >>= _S[61]
        r += x
        np.add(r, _S[1], out=x)
        x >>= _S[61]
        r += x
        r &= _MAX_HASH
        out[:, j] = np.minimum.reduceat(r, starts)
    return out


def _candidates(sig: np.ndarray, copies: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i, j) sharing an LSH bucket: each text with its bucket's first text (its most
    copied: a campaign's template) and with the text before it there, so that a campaign of n
    texts costs n pairs per band, not n squared. As codes i * n + j: leader pairs, neighbours.
    The bands are sorted in two threads (numpy's sort frees the GIL)."""
    n = len(sig)
    ranked = np.lexsort((np.arange(n), -copies))

    def band(number: int) -> tuple[np.ndarray, np.ndarray]:
        c = sig[:, number * ROWS : (number + 1) * ROWS].astype(np.uint64)
        key = _mix(_mix((c[:, 0] << _S[32]) | c[:, 1]) ^ ((c[:, 2] << _S[32]) | c[:, 3]))
        order = ranked[np.argsort(key[ranked], kind="stable")]
        sorted_key = key[order]
        same = sorted_key[1:] == sorted_key[:-1]
        starts = np.concatenate(([True], ~same))
        leader = order[np.maximum.accumulate(np.where(starts, np.arange(n), 0))]
        led = order != leader
        return _codes(order[led], leader[led], n), _codes(order[1:][same], order[:-1][same], n)

    with ThreadPoolExecutor(_THREADS) as pool:
        found = list(pool.map(band, range(BANDS)))
    leaders = _sorted_set(np.concatenate([f[0] for f in found]))
    return leaders, _sorted_set(np.concatenate([f[1] for f in found]))


def _sorted_set(values: np.ndarray) -> np.ndarray:
    """`np.unique` by a sort, quicker here than its hash table."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def _codes(i: np.ndarray, j: np.ndarray, n: int) -> np.ndarray:
    return np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j)


def _link_near(
    distinct: list[str], threshold: float, copies: np.ndarray, clock: _Clock
) -> np.ndarray:
    """Candidates from 16 bands of 4 rows (sensitive: a pair at Jaccard 0.75 shares a bucket
    with 99.8 % chance), screened by their MinHash estimate, then checked on their exact
    Jaccard similarity, so that the threshold shown is the one applied. Returns the parent of
    each distinct text in the union-find forest of the links."""
    flat, bounds = _hashed_shingles(distinct)
    clock.lap("shingles")
    sig = signatures(flat, bounds)
    clock.lap("signatures")
    n = len(distinct)
    codes = np.concatenate(_candidates(sig, copies))
    clock.lap("banding")
    pairs = np.stack([codes // n, codes % n], axis=1)
    estimate = (sig[pairs[:, 0]] == sig[pairs[:, 1]]).mean(axis=1)
    pairs = pairs[estimate >= threshold - 0.2]
    parent = _verify(pairs, flat, bounds, threshold, n)
    clock.lap("verification")
    return parent


def _verify(
    pairs: np.ndarray, flat: np.ndarray, bounds: np.ndarray, threshold: float, n: int
) -> np.ndarray:
    """Union-find over the candidates whose exact Jaccard similarity reaches the threshold."""
    parent = list(range(n))
    find = _finder(parent)
    if len(pairs):
        sets = _ShingleSets(flat, bounds, pairs.ravel())
        for at in range(0, len(pairs), _PAIR_BLOCK):
            chunk = pairs[at : at + _PAIR_BLOCK]
            for d, other in chunk[sets.similar(chunk, threshold)].tolist():
                x, y = find(d), find(other)
                if x != y:
                    parent[max(x, y)] = min(x, y)
    return np.array(parent, dtype=np.int64)


class _ShingleSets:
    """The shingle sets of the texts in candidate pairs, as one sorted array of text << 32 |
    hash, so that the common shingles of many pairs are counted at once with a binary search."""

    def __init__(self, flat: np.ndarray, bounds: np.ndarray, texts: np.ndarray) -> None:
        lengths = np.diff(bounds)
        inside = np.zeros(len(lengths), dtype=bool)
        inside[texts] = True
        owner = np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths)
        mask = np.repeat(inside, lengths)
        self.keys = _sorted_set((owner[mask] << _S[32]) | flat[mask])
        self.size = np.bincount((self.keys >> _S[32]).astype(np.int64), minlength=len(lengths))
        self.start = np.concatenate(([0], np.cumsum(self.size)[:-1]))

    def similar(self, pairs: np.ndarray, threshold: float) -> np.ndarray:
        """Whether each pair's exact Jaccard similarity reaches the threshold."""
        a, b = pairs[:, 0], pairs[:, 1]
        swap = self.size[a] > self.size[b]
        a, b = np.where(swap, b, a), np.where(swap, a, b)
        # Queries in the order of the keys, so that the binary searches stay in the cache.
        order = np.argsort(b, kind="stable")
        a, b = a[order], b[order]
        counts = self.size[a]
        pair = np.repeat(np.arange(len(a)), counts)
        offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        grams = self.keys[np.repeat(self.start[a], counts) + offset] & _MAX_HASH
        query = (b.astype(np.uint64)[pair] << _S[32]) | grams
        found = np.minimum(np.searchsorted(self.keys, query), len(self.keys) - 1)
        common = np.bincount(pair, weights=self.keys[found] == query, minlength=len(a))
        result = np.empty(len(a), dtype=bool)
        result[order] = common >= threshold * (counts + self.size[b] - common)
        return result


def _finder(parent: list[int]) -> Callable[[int], int]:
    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    return find


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
