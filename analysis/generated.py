"""Generated written comments with planted campaigns: the data of the campaign benchmark and of
its test at a smaller size. Deterministic for a seed."""

import random
from dataclasses import dataclass

_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "gu", "fe", "shi"]


@dataclass
class Generated:
    texts: list[str]
    campaigns: list[list[int]]  # indices of each planted campaign's texts


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def generate(n: int, *, seed: int = 7, campaign_share: float = 0.3) -> Generated:
    """`n` comments of 12 to 40 words; about `campaign_share` of them belong to planted campaigns,
    each a template sent many times, either as is or with one or two words changed and a name
    signed at the end."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 5000)
    names = _vocabulary(random.Random(seed + 1), 500)
    planted = int(n * campaign_share)
    sizes: list[int] = []
    while sum(sizes) < planted:
        sizes.append(min(planted - sum(sizes), max(2, int(rng.paretovariate(1.2) * 5))))
    slots = list(range(n))
    rng.shuffle(slots)
    texts = [""] * n
    campaigns: list[list[int]] = []
    at = 0
    for size in sizes:
        template = [rng.choice(vocabulary) for _ in range(rng.randint(20, 40))]
        members = slots[at : at + size]
        at += size
        for i in members:
            words = list(template)
            if rng.random() < 0.6:
                for _ in range(rng.randint(1, 2)):
                    words[rng.randrange(len(words))] = rng.choice(vocabulary)
                words.append(rng.choice(names).title())
            texts[i] = " ".join(words)
        campaigns.append(members)
    for i in slots[at:]:
        texts[i] = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(12, 40)))
    return Generated(texts, campaigns)
