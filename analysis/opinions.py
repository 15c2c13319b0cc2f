"""Opinion groups from agree/disagree votes, computed as Polis computes them.

The steps and constants are Polis's own (compdemocracy/polis, math/src/polismath/math/:
conversation.clj, pca.clj, clusters.clj, repness.clj, stats.clj); the linear algebra is numpy's
and scikit-learn's:

1. the vote matrix, participants by statements: agree +1, disagree -1, pass 0, unseen empty; the
   columns of moderated-out statements are set to 0 for everyone;
2. participants "in the conversation": those of the last computation, and anyone with at least
   min(7, number of statements) votes; while that makes fewer than 15, the most active others
   are added until there are 15;
3. PCA to two components on the matrix with each empty cell replaced by its column's mean, over
   every participant; each participant's position is scaled by sqrt(statements / own votes), so
   that those who voted little are not all drawn to the centre;
4. base clusters: Polis's k-means (k = 100) of the positions of the participants in the
   conversation, started from the last computation's base clusters (recentred on their members'
   new positions, the farthest points split off until there are 100), or from the first 100
   distinct positions when there is none;
5. opinion groups: for each k from 2 to min(5, 2 + base clusters // 12), Polis's k-means of the
   base clusters' centres weighted by their sizes, started from that k's last groups; the k with
   the best silhouette (over the base clusters' centres) is taken once it has won four
   computations in a row (the k-smoother);
6. per group, the representative statements (Polis's repness, with its one-sided z-tests at 90 %
   and its rule of at least one statement per group), the consensus statements of everyone, and
   group-informed consensus (the product over groups of each group's chance of agreeing).

Each computation continues from the state the last one left (`State`, stored with the map), as
Polis's does, so groups stay put as votes arrive; the same votes computed afresh may give other
groups. Polis's k-means is reimplemented step for step (clusters.clj: its starting clusters, its
convergence test, clusters emptied are dropped) because scikit-learn's cannot start from a
clustering with members. The figures against Polis's own output are in
analysis/tests/test_polis_parity.py.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score

AGREE, DISAGREE, PASS = 1, -1, 0
MIN_VOTES = 7
GREEDY_PARTICIPANTS = 15
BASE_K = 100
BASE_ITERS = 100
MAX_GROUPS = 5
# Polis's z-test at 90 % confidence, one-sided (stats.clj, z-sig-90?).
Z_90 = 1.2816
REPRESENTATIVE_MAX = 5
CONSENSUS_MAX = 5


@dataclass
class VoteMatrix:
    """Votes of participants (rows) on statements (columns); NaN where a statement was not seen."""

    participants: list[Any]
    statements: list[Any]
    values: np.ndarray

    @classmethod
    def from_votes(
        cls,
        votes: Iterable[tuple[Any, Any, int]],
        *,
        statements: Sequence[Any] | None = None,
    ) -> "VoteMatrix":
        """From (participant, statement, vote) triples in the order cast: the last one counts.
        Participants are in the order of their first vote, as the rows of Polis's matrix (a new
        clustering starts from the first points in that order)."""
        last: dict[tuple[Any, Any], int] = {}
        for participant, statement, vote in votes:
            if vote not in (AGREE, DISAGREE, PASS):
                raise ValueError(f"A vote is 1, -1 or 0, not {vote!r}.")
            last[(participant, statement)] = vote
        people = list(dict.fromkeys(p for p, _s in last))
        columns = list(statements) if statements is not None else []
        known = set(columns)
        columns += sorted({s for _p, s in last if s not in known}, key=_natural)
        row = {p: i for i, p in enumerate(people)}
        col = {s: j for j, s in enumerate(columns)}
        values = np.full((len(people), len(columns)), np.nan)
        for (participant, statement), vote in last.items():
            values[row[participant], col[statement]] = vote
        return cls(people, columns, values)

    def vote_counts(self) -> np.ndarray:
        return np.count_nonzero(~np.isnan(self.values), axis=1)


def _natural(value: Any) -> tuple[int, Any]:
    return (0, value) if isinstance(value, int | np.integer) else (1, str(value))


@dataclass
class StatementStats:
    """Polis's counts and tests for one statement in one group (or in everyone)."""

    statement: Any
    na: int
    nd: int
    ns: int
    pa: float
    pd: float
    pat: float
    pdt: float
    ra: float = 0.0
    rd: float = 0.0
    rat: float = 0.0
    rdt: float = 0.0


@dataclass
class Representative:
    statement: Any
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    best_agree: bool = False


@dataclass
class Consensus:
    statement: Any
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


@dataclass
class OpinionGroups:
    """Everything the opinion map and its tables show."""

    participants: list[Any]
    statements: list[Any]
    positions: np.ndarray  # (participants, 2)
    in_conversation: np.ndarray  # bool per participant
    labels: np.ndarray  # group per participant, -1 outside the conversation
    k: int
    silhouettes: dict[int, float]
    base_centers: np.ndarray
    base_labels: np.ndarray  # base cluster per participant in the conversation, -1 outside
    components: np.ndarray  # (2, statements)
    center: np.ndarray
    statement_positions: np.ndarray  # (statements, 2)
    representative: dict[int, list[Representative]] = field(default_factory=dict)
    consensus: dict[str, list[Consensus]] = field(default_factory=dict)
    group_consensus: dict[Any, float] = field(default_factory=dict)
    state: "State | None" = None

    def group_of(self) -> dict[Any, int]:
        return {
            p: int(g)
            for p, g, inside in zip(
                self.participants, self.labels, self.in_conversation, strict=True
            )
            if inside and g >= 0
        }


# 1-2: the matrix and who is in the conversation -------------------------------------------------


def rating_matrix(matrix: VoteMatrix, moderated_out: Iterable[Any] = ()) -> np.ndarray:
    """The votes with the columns of moderated-out statements set to 0 (pass) for everyone."""
    values = matrix.values.copy()
    out = set(moderated_out)
    for j, statement in enumerate(matrix.statements):
        if statement in out:
            values[:, j] = 0.0
    return values


def in_conversation(matrix: VoteMatrix, already: Iterable[Any] = ()) -> np.ndarray:
    """Polis's rule: those already in stay in; anyone with enough votes joins; while that makes
    fewer than 15, the most active others are added until there are 15."""
    counts = matrix.vote_counts()
    before = set(already)
    inside = counts >= min(MIN_VOTES, len(matrix.statements))
    inside |= np.array([p in before for p in matrix.participants], dtype=bool)
    missing = GREEDY_PARTICIPANTS - int(inside.sum())
    if missing > 0:
        others = [i for i in np.argsort(-counts, kind="stable") if not inside[i] and counts[i] > 0]
        inside[others[:missing]] = True
    return inside


# 3: PCA ----------------------------------------------------------------------------------------


def project(rating: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Positions of participants and statements, the two components and the centre."""
    n_people, n_statements = rating.shape
    seen = ~np.isnan(rating)
    counts = seen.sum(axis=0)
    sums = np.where(seen, rating, 0.0).sum(axis=0)
    means = np.divide(sums, counts, out=np.zeros(n_statements), where=counts > 0)
    imputed = np.where(seen, rating, means)
    n_components = min(2, n_people, n_statements)
    components = np.zeros((2, n_statements))
    if n_components > 0 and n_people > 1 and float(imputed.var(axis=0).sum()) > 0:
        pca = PCA(n_components=n_components, svd_solver="full").fit(imputed)
        components[:n_components] = pca.components_
    centred = imputed - means
    scale = np.sqrt(n_statements / np.maximum(seen.sum(axis=1), 1))
    positions = (centred @ components.T) * scale[:, None]
    # A statement's place: where someone who agreed with it alone would be (Polis projects a
    # vote of its own "agree", -1 in its internal signs, the same point).
    statement_positions = (components.T * (1 - means)[:, None]) * np.sqrt(n_statements)
    return positions, statement_positions, components, means


# 4-5: base clusters, then groups ---------------------------------------------------------------


@dataclass
class Cluster:
    """A k-means cluster as Polis keeps it: an id that lives from one computation to the next,
    its members (participants for base clusters, base cluster ids for groups) and its centre."""

    id: int
    members: list[Any]
    center: np.ndarray


def _mean(points: np.ndarray, weights: np.ndarray | None) -> np.ndarray:
    if weights is None:
        return points.mean(axis=0)
    return (points * weights[:, None]).sum(axis=0) / weights.sum()


def _init_clusters(points: np.ndarray, k: int) -> list[Cluster]:
    """A new clustering: the first k distinct points, in order, with ids 0, 1, 2…"""
    _values, first = np.unique(points, axis=0, return_index=True)
    return [Cluster(i, [], points[j].copy()) for i, j in enumerate(np.sort(first)[:k])]


def _distances(points: np.ndarray, clusters: list[Cluster]) -> np.ndarray:
    """Euclidean distance of every point (rows) to every cluster's centre (columns)."""
    centers = np.array([c.center for c in clusters])
    return np.sqrt(((points[:, None, :] - centers[None, :, :]) ** 2).sum(axis=2))


def _step(
    names: list[Any], points: np.ndarray, clusters: list[Cluster], weights: np.ndarray | None
) -> list[Cluster]:
    """One k-means step: every point to its nearest centre, then each centre to the (weighted)
    mean of its points; a cluster left without points is dropped."""
    nearest = _distances(points, clusters).argmin(axis=1)
    kept = []
    for index, cluster in enumerate(clusters):
        rows = np.flatnonzero(nearest == index)
        if len(rows):
            w = None if weights is None else weights[rows]
            kept.append(Cluster(cluster.id, [names[i] for i in rows], _mean(points[rows], w)))
    return kept


def _same_clustering(a: list[Cluster], b: list[Cluster]) -> bool:
    """Polis's convergence test: the sorted centres all moved less than 0.01."""
    first = sorted(tuple(c.center) for c in a)
    second = sorted(tuple(c.center) for c in b)
    return all(
        float(np.linalg.norm(np.subtract(x, y))) < 0.01 for x, y in zip(first, second, strict=False)
    )


def _recenter(
    index: dict[Any, int],
    points: np.ndarray,
    clusters: list[Cluster],
    weights: np.ndarray | None,
    *,
    drop_empty: bool,
) -> list[Cluster]:
    """Each centre moved to the mean of its members' current positions (members gone from the
    data are ignored; a cluster with none left is dropped or kept as it was)."""
    moved = []
    for cluster in clusters:
        rows = np.array([index[m] for m in cluster.members if m in index], dtype=int)
        if not len(rows):
            if not drop_empty:
                moved.append(cluster)
            continue
        w = None if weights is None else weights[rows]
        moved.append(Cluster(cluster.id, list(cluster.members), _mean(points[rows], w)))
    return moved


def _clean_start(
    names: list[Any],
    points: np.ndarray,
    last: list[Cluster],
    k: int,
    weights: np.ndarray | None,
) -> list[Cluster]:
    """Polis's clean-start-clusters: the last clustering recentred on today's positions, clusters
    with the same centre merged, then the point farthest from every centre split off as a new
    cluster until there are k (or as many as there are distinct points)."""
    index = {name: i for i, name in enumerate(names)}
    unique: list[Cluster] = []
    for cluster in _recenter(index, points, last, weights, drop_empty=True):
        twin = next((u for u in unique if np.array_equal(u.center, cluster.center)), None)
        if twin is None:
            unique.append(cluster)
            continue
        bigger = twin if len(twin.members) > len(cluster.members) else cluster
        sizes = np.array([len(twin.members), len(cluster.members)], dtype=float)
        unique[unique.index(twin)] = Cluster(
            bigger.id,
            twin.members + cluster.members,
            _mean(np.array([twin.center, cluster.center]), sizes),
        )
    possible = min(k, len(np.unique(points, axis=0)))
    clusters = unique
    while True:
        clusters = _recenter(index, points, clusters, weights, drop_empty=False)
        if possible <= len(clusters):
            return clusters
        nearest = _distances(points, clusters).min(axis=1)
        far = len(nearest) - 1 - int(np.argmax(nearest[::-1]))  # the last of equals, as Polis
        if nearest[far] <= 0:
            return clusters
        outlier = names[far]
        clusters = [
            Cluster(c.id, [m for m in c.members if m != outlier], c.center) for c in clusters
        ]
        clusters.append(Cluster(max(c.id for c in clusters) + 1, [outlier], points[far].copy()))


def kmeans(
    names: list[Any],
    points: np.ndarray,
    k: int,
    *,
    last: list[Cluster] | None = None,
    weights: np.ndarray | None = None,
    max_iters: int = 20,
) -> list[Cluster]:
    """Polis's k-means (clusters.clj): from the last clustering when there is one, else from the
    first k distinct points; Lloyd steps until the centres settle or max_iters; sorted by id."""
    if not len(points):
        return []
    clusters = _clean_start(names, points, last, k, weights) if last else _init_clusters(points, k)
    remaining = max_iters
    while True:
        moved = _step(names, points, clusters, weights)
        if remaining == 0 or _same_clustering(clusters, moved):
            return sorted(moved, key=lambda c: c.id)
        clusters, remaining = moved, remaining - 1


def max_groups(n_base: int) -> int:
    return min(MAX_GROUPS, 2 + n_base // 12)


def _silhouette(points: np.ndarray, labels: list[int]) -> float | None:
    """Polis's silhouette over the base clusters (a clustering of singletons scores 0); None
    when there is a single group."""
    count = len(set(labels))
    if count < 2:
        return None
    if count >= len(points):
        return 0.0
    return float(silhouette_score(points, labels))


@dataclass
class State:
    """What Polis carries from one computation of a conversation to the next: who was ever in the
    conversation (once in, always in), the base clusters and each k's groups (every k-means
    starts from the last one, so groups stay put as votes arrive), and the k-smoother (a new
    number of groups is taken only once it has had the best silhouette GROUP_K_BUFFER
    computations in a row)."""

    in_conversation: set[Any] = field(default_factory=set)
    last_k: int = 0
    last_k_count: int = 0
    smoothed_k: int = 0
    base: list[Cluster] = field(default_factory=list)
    groups: dict[int, list[Cluster]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def folded(clusters: list[Cluster]) -> list[dict[str, Any]]:
            return [{"id": int(c.id), "members": list(c.members)} for c in clusters]

        return {
            "in_conversation": sorted(self.in_conversation, key=_natural),
            "last_k": self.last_k,
            "last_k_count": self.last_k_count,
            "smoothed_k": self.smoothed_k,
            "base": folded(self.base),
            "groups": {str(k): folded(c) for k, c in self.groups.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "State":
        data = data or {}

        def unfolded(items: Any) -> list[Cluster]:
            return [Cluster(int(c["id"]), list(c["members"]), np.zeros(2)) for c in items or []]

        return cls(
            in_conversation=set(data.get("in_conversation", [])),
            last_k=int(data.get("last_k", 0)),
            last_k_count=int(data.get("last_k_count", 0)),
            smoothed_k=int(data.get("smoothed_k", 0)),
            base=unfolded(data.get("base")),
            groups={int(k): unfolded(c) for k, c in (data.get("groups") or {}).items()},
        )

    def group_of(self) -> dict[Any, int]:
        """Each clustered participant's group (numbered from the largest), from the clusters
        kept: the groups of the last computation without computing again."""
        chosen = self.groups.get(self.smoothed_k)
        if not chosen:
            return {}
        members = {c.id: c.members for c in self.base}
        people = {g.id: [p for b in g.members for p in members.get(b, [])] for g in chosen}
        order = sorted(people, key=lambda g: (-len(people[g]), g))
        return {p: rank for rank, g in enumerate(order) for p in people[g]}


GROUP_K_BUFFER = 4


def base_clusters(
    names: list[Any], points: np.ndarray, state: State
) -> tuple[np.ndarray, np.ndarray]:
    """k-means (k = 100) of the positions of the participants in the conversation, from the last
    base clusters. Updates `state`. Returns (centres, base cluster of each point)."""
    state.base = kmeans(names, points, BASE_K, last=state.base, max_iters=BASE_ITERS)
    row = {name: i for i, name in enumerate(names)}
    labels = np.full(len(names), -1)
    for index, cluster in enumerate(state.base):
        labels[[row[m] for m in cluster.members]] = index
    return np.array([c.center for c in state.base]).reshape(-1, 2), labels


def group_clusters(
    centers: np.ndarray, weights: np.ndarray, state: State
) -> tuple[np.ndarray, int, dict[int, float]]:
    """Groups of base clusters for each k from 2, each from that k's last groups, scored by
    silhouette; the k kept is the k-smoother's. Updates `state`. Returns (group of each base
    cluster, k, scores)."""
    ids = [c.id for c in state.base]
    scores: dict[int, float] = {}
    found: dict[int, list[Cluster]] = {}
    for k in range(2, max_groups(len(centers)) + 1):
        clusters = kmeans(ids, centers, k, last=state.groups.get(k), weights=weights)
        found[k] = clusters
        group = {b: c.id for c in clusters for b in c.members}
        score = _silhouette(centers, [group[b] for b in ids])
        if score is not None:
            scores[k] = score
    state.groups = found
    if not scores:
        state.groups = {1: [Cluster(0, ids, np.zeros(2))]} if ids else {}
        state.smoothed_k = 1 if ids else 0
        return np.zeros(len(centers), dtype=int), 1, scores
    best = 0
    for k, score in scores.items():  # the last of equals, as Polis's max-key
        if not best or score >= scores[best]:
            best = k
    k = _smoothed_k(best, state)
    if k not in scores:
        k = state.smoothed_k = best
    return _by_size(found[k], ids, weights), k, scores


def _smoothed_k(this_k: int, state: State) -> int:
    state.last_k_count = state.last_k_count + 1 if this_k == state.last_k else 1
    state.last_k = this_k
    if state.last_k_count >= GROUP_K_BUFFER or not state.smoothed_k:
        state.smoothed_k = this_k
    return state.smoothed_k


def _by_size(clusters: list[Cluster], ids: list[Any], weights: np.ndarray) -> np.ndarray:
    """Each base cluster's group, groups numbered from the largest (0) down."""
    weight = dict(zip(ids, weights, strict=True))
    sizes = {c.id: sum(weight[b] for b in c.members) for c in clusters}
    rank = {g: i for i, g in enumerate(sorted(sizes, key=lambda g: (-sizes[g], g)))}
    group = {b: rank[c.id] for c in clusters for b in c.members}
    return np.array([group[b] for b in ids])


# 6: statistics ----------------------------------------------------------------------------------


def prop_test(successes: float, trials: float) -> float:
    """Polis's one-proportion z-test against 1/2, with a +1 prior on both counts."""
    successes, trials = successes + 1, trials + 1
    return float(2 * np.sqrt(trials) * (successes / trials - 0.5))


def two_prop_test(succ_in: float, succ_out: float, pop_in: float, pop_out: float) -> float:
    """Polis's two-proportion z-test (in the group against the rest), +1 on every count."""
    succ_in, succ_out, pop_in, pop_out = succ_in + 1, succ_out + 1, pop_in + 1, pop_out + 1
    pi1, pi2 = succ_in / pop_in, succ_out / pop_out
    pi_hat = (succ_in + succ_out) / (pop_in + pop_out)
    if pi_hat == 1:
        return 0.0
    return float((pi1 - pi2) / np.sqrt(pi_hat * (1 - pi_hat) * (1 / pop_in + 1 / pop_out)))


def significant(z: float) -> bool:
    return z > Z_90


def _counts(rating: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    agree = np.sum(rating == AGREE, axis=0)
    disagree = np.sum(rating == DISAGREE, axis=0)
    seen = np.sum(~np.isnan(rating), axis=0)
    return agree, disagree, seen


def statement_stats(statements: Sequence[Any], rating: np.ndarray) -> list[StatementStats]:
    agree, disagree, seen = _counts(rating)
    return [
        StatementStats(
            statement=s,
            na=int(a),
            nd=int(d),
            ns=int(n),
            pa=(a + 1) / (n + 2),
            pd=(d + 1) / (n + 2),
            pat=prop_test(a, n),
            pdt=prop_test(d, n),
        )
        for s, a, d, n in zip(statements, agree, disagree, seen, strict=True)
    ]


def group_stats(
    statements: Sequence[Any], rating: np.ndarray, groups: np.ndarray, k: int
) -> list[list[StatementStats]]:
    """Per group, per statement: the group's counts compared with everyone else's."""
    per_group = [statement_stats(statements, rating[groups == g]) for g in range(k)]
    for g in range(k):
        for j, own in enumerate(per_group[g]):
            rest = [per_group[h][j] for h in range(k) if h != g]
            na, nd, ns = (sum(getattr(r, n) for r in rest) for n in ("na", "nd", "ns"))
            own.ra = own.pa / ((1 + na) / (2 + ns))
            own.rd = own.pd / ((1 + nd) / (2 + ns))
            own.rat = two_prop_test(own.na, na, own.ns, ns)
            own.rdt = two_prop_test(own.nd, nd, own.ns, ns)
    return per_group


def _finalise(stats: StatementStats, *, best_agree: bool = False) -> Representative:
    if stats.rat > stats.rdt:
        values = (stats.na, stats.pa, stats.pat, stats.ra, stats.rat, "agree")
    else:
        values = (stats.nd, stats.pd, stats.pdt, stats.rd, stats.rdt, "disagree")
    n, p, pt, r, rt, direction = values
    return Representative(
        stats.statement, direction, n, stats.ns, p, pt, r, rt, best_agree=best_agree
    )


def _passes(s: StatementStats) -> bool:
    return (significant(s.rat) and significant(s.pat)) or (
        significant(s.rdt) and significant(s.pdt)
    )


def _beats_best_agree(s: StatementStats, best: StatementStats | None) -> bool:
    if s.na == 0 and s.nd == 0:
        return False
    if best is not None and best.ra > 1.0:
        return s.ra * s.rat * s.pa * s.pat > best.ra * best.rat * best.pa * best.pat
    if best is not None:
        return s.pa * s.pat > best.pa * best.pat
    return significant(s.pat) or (s.ra > 1.0 and s.pa > 0.5)


def _metric(r: Representative) -> float:
    return r.repness * r.repness_test * r.p_success * r.p_test


def representative(
    stats: list[StatementStats], moderated_out: set[Any], limit: int = REPRESENTATIVE_MAX
) -> list[Representative]:
    """Polis's select-rep-comments for one group: the significant ones by its metric, the best
    agreed one first; at least one statement whenever any was voted on."""
    sufficient: list[Representative] = []
    best: StatementStats | None = None
    best_agree: StatementStats | None = None
    best_z = -np.inf
    for s in stats:
        if s.statement in moderated_out:
            continue
        if _passes(s):
            sufficient.append(_finalise(s))
        if not sufficient and max(s.rat, s.rdt) > best_z:
            best, best_z = s, max(s.rat, s.rdt)
        if _beats_best_agree(s, best_agree):
            best_agree = s
    head = [_finalise(best_agree, best_agree=True)] if best_agree else []
    if not sufficient:
        return head or ([_finalise(best)] if best is not None else [])
    chosen = best_agree.statement if best_agree else None
    ranked = sorted((r for r in sufficient if r.statement != chosen), key=_metric, reverse=True)
    top = (head + ranked)[:limit]
    return [r for r in top if r.direction == "agree"] + [
        r for r in top if r.direction == "disagree"
    ]


def _by_metric(probability: str, test: str) -> Any:
    def metric(stats: StatementStats) -> float:
        return float(getattr(stats, probability) * getattr(stats, test))

    return metric


def consensus(
    stats: list[StatementStats], moderated_out: set[Any], limit: int = CONSENSUS_MAX
) -> dict[str, list[Consensus]]:
    """Statements most of everyone agrees (or disagrees) with, significantly."""
    kept = [s for s in stats if s.statement not in moderated_out]
    found: dict[str, list[Consensus]] = {}
    for direction, n, p, t in (("agree", "na", "pa", "pat"), ("disagree", "nd", "pd", "pdt")):
        chosen = [s for s in kept if getattr(s, p) > 0.5 and significant(getattr(s, t))]
        chosen.sort(key=_by_metric(p, t), reverse=True)
        found[direction] = [
            Consensus(s.statement, direction, getattr(s, n), s.ns, getattr(s, p), getattr(s, t))
            for s in chosen[:limit]
        ]
    return found


def group_informed_consensus(per_group: list[list[StatementStats]]) -> dict[Any, float]:
    """Per statement, the product over groups of (agrees + 1) / (votes + 2)."""
    if not per_group:
        return {}
    result: dict[Any, float] = {}
    for j, first in enumerate(per_group[0]):
        product = 1.0
        for group in per_group:
            product *= (group[j].na + 1.0) / (group[j].ns + 2.0)
        result[first.statement] = product
    return result


# All of it ---------------------------------------------------------------------------------------


def compute(
    matrix: VoteMatrix,
    *,
    moderated_out: Iterable[Any] = (),
    previous: State | None = None,
    statistics: bool = True,
) -> OpinionGroups:
    """The whole of Polis's math for one conversation, continuing from the state of the last
    computation (`previous`; none for the first). Without `statistics`, only the groups (the
    representative and consensus statements left empty)."""
    out = set(moderated_out)
    state = State.from_dict(previous.as_dict()) if previous else State()
    rating = rating_matrix(matrix, out)
    positions, statement_positions, components, center = project(rating)
    inside = in_conversation(matrix, state.in_conversation)
    state.in_conversation = {p for p, i in zip(matrix.participants, inside, strict=True) if i}
    members = np.flatnonzero(inside)
    labels = np.full(len(matrix.participants), -1)
    base_labels = np.full(len(matrix.participants), -1)
    centers = np.zeros((0, 2))
    k, scores = 0, {}  # type: tuple[int, dict[int, float]]
    if len(members):
        names = [matrix.participants[i] for i in members]
        centers, base = base_clusters(names, positions[members], state)
        weights = np.bincount(base, minlength=len(centers)).astype(float)
        group_of_base, k, scores = group_clusters(centers, weights, state)
        base_labels[members] = base
        labels[members] = group_of_base[base]
    result = OpinionGroups(
        participants=list(matrix.participants),
        statements=list(matrix.statements),
        positions=positions,
        in_conversation=inside,
        labels=labels,
        k=k,
        silhouettes=scores,
        base_centers=centers,
        base_labels=base_labels,
        components=components,
        center=center,
        statement_positions=statement_positions,
        state=state,
    )
    if statistics:
        describe(result, matrix, rating, out)
    return result


def replay(
    votes: Sequence[tuple[Any, Any, int]],
    *,
    moderated_out: Iterable[Any] = (),
    updates: int = 30,
    times: Sequence[float] | None = None,
    window: float = 60.0,
) -> OpinionGroups:
    """Run a conversation as Polis runs it: the votes in the order cast, the math recomputed
    along the way, each computation continuing from the last. With the votes' `times` (seconds),
    once per `window` of seconds that had votes, at most `updates` of them spread evenly;
    without, `updates` times at even counts of votes."""
    if times is not None:
        ends = [i for i in range(1, len(votes)) if times[i] // window != times[i - 1] // window] + [
            len(votes)
        ]
        if len(ends) > updates:
            picks = np.unique(np.linspace(0, len(ends) - 1, updates).round().astype(int))
            ends = [ends[i] for i in picks]
    else:
        step = max(1, -(-len(votes) // updates))
        ends = [*range(step, len(votes), step), len(votes)]
    state: State | None = None
    result: OpinionGroups | None = None
    out = list(moderated_out)
    for end in ends if votes else []:
        result = compute(
            VoteMatrix.from_votes(votes[:end]),
            moderated_out=out,
            previous=state,
            statistics=end == len(votes),
        )
        state = result.state
    if result is None:
        return compute(VoteMatrix.from_votes([]), moderated_out=out)
    return result


def describe(
    result: OpinionGroups, matrix: VoteMatrix, rating: np.ndarray, moderated_out: set[Any]
) -> None:
    """Representative statements, consensus and group-informed consensus for the groups found."""
    inside = result.labels >= 0
    per_group = group_stats(matrix.statements, rating[inside], result.labels[inside], result.k)
    result.representative = {
        g: representative(stats, moderated_out) for g, stats in enumerate(per_group)
    }
    result.consensus = consensus(statement_stats(matrix.statements, rating), moderated_out)
    raw = group_stats(matrix.statements, matrix.values[inside], result.labels[inside], result.k)
    result.group_consensus = group_informed_consensus(raw)
