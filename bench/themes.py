"""Themes in free text (analysis/themes.py), in-process, no database: generated answers in four
languages drawn from six planted topics, then find_themes with TF-IDF + SVD (and with sentence
embeddings when the extra consulta[semantic] is installed). Prints, per size: seconds, themes
found, the adjusted Rand index against the planted topics, and that every quote is exact.

Environment: BENCH_SIZES (default "300,2000,10000").
"""

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sklearn.metrics import adjusted_rand_score  # noqa: E402

from analysis.themes import SEMANTIC, TFIDF, find_themes, semantic_available  # noqa: E402

TOPICS = [
    ["privacy", "data", "protection", "safeguards", "personal", "consent"],
    ["police", "threat", "sharing", "intelligence", "indicators", "companies"],
    ["training", "judges", "prosecutors", "capacity", "curriculum", "skills"],
    ["victims", "fraud", "reporting", "support", "helpline", "compensation"],
    ["encryption", "backdoors", "security", "weakened", "keys", "messaging"],
    ["formation", "juges", "procureurs", "capacités", "compétences", "programmes"],
]
FILLER = ["we", "believe", "that", "the", "partnership", "should", "focus", "on", "more", "and"]
EMOJI = ["", "", "", " 👩🏽‍⚖️", " 🇫🇷", " café\u0301"]


def generate(n: int, rng: random.Random) -> tuple[list[str], list[int]]:
    texts, truth = [], []
    for _ in range(n):
        topic = rng.randrange(len(TOPICS))
        words = rng.sample(TOPICS[topic], 3) + rng.sample(FILLER, 4)
        rng.shuffle(words)
        texts.append((" ".join(words).capitalize() + "." + rng.choice(EMOJI)).strip())
        truth.append(topic)
    return texts, truth


def measure(texts: list[str], truth: list[int], method: str) -> None:
    start = time.perf_counter()
    found = find_themes(texts, method=method)
    seconds = time.perf_counter() - start
    labels = [0] * len(texts)
    for theme in found.themes:
        for i in theme.members:
            labels[i] = theme.number
    exact = all(
        texts[q.document][q.start : q.end] and q.end <= len(texts[q.document])
        for t in found.themes
        for q in t.quotes
    )
    ari = adjusted_rand_score(truth, labels)
    print(
        f"{method:9} n={len(texts):6}  {seconds:7.2f} s  themes={len(found.themes)}  "
        f"ARI={ari:.2f}  quotes exact={exact}"
    )


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "300,2000,10000").split(",")]
    methods = [TFIDF] + ([SEMANTIC] if semantic_available() else [])
    if SEMANTIC not in methods:
        print("sentence embeddings: not installed (pip install '.[semantic]'), TF-IDF only")
    for n in sizes:
        texts, truth = generate(n, random.Random(n))
        for method in methods:
            measure(texts, truth, method)


if __name__ == "__main__":
    main()
