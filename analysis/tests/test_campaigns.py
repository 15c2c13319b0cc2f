import numpy as np

from analysis import campaigns
from analysis.campaigns import detect, pair_scores
from analysis.generated import generate


def test_planted_campaigns_are_found():
    data = generate(3000, seed=11)
    report = detect(data.texts, threshold=0.7)
    precision, recall = pair_scores([g.members for g in report.near], data.campaigns)
    assert precision >= 0.99
    assert recall >= 0.97  # measured 0.987 here, 0.988 at 200,000 (bench/analysis.py)


def test_exact_duplicates_are_counted_apart_and_arguments_beside_signatures():
    letter = (
        "We ask the committee to keep strong safeguards for encryption and human rights online."
    )
    texts = [letter] * 4 + [letter.upper() + "  "] + [letter.replace("strong", "solid") + " Amina"]
    texts += ["Capacity building should go to national emergency teams in Africa first."]
    report = detect(texts, threshold=0.6)
    assert [g.signatures for g in report.exact] == [5]
    assert [(g.signatures, g.wordings) for g in report.near] == [(6, 2)]
    assert report.near[0].representative == letter
    assert report.arguments == 2 and report.texts == 7


def test_arabic_and_short_texts_are_compared_too():
    text = "نطالب بحماية التشفير وحقوق الإنسان في الاتفاقية"
    report = detect([text, text + " شكرا", "نص مختلف تماما عن الموضوع"], threshold=0.6)
    assert [g.signatures for g in report.near] == [2]


def test_texts_normalised_together_read_as_normalised_one_by_one(monkeypatch):
    monkeypatch.setattr(campaigns, "_BULK", 0)
    texts = [
        "Hello, World!  x_y",
        "\ufb01ne \u01c4 CAF\u00c9",
        "\u0301starts with an accent",
        "Stra\u00dfe STRASSE \u0130stanbul \u03a3\u0391\u03a3",
        "\u0646\u0637\u0627\u0644\u0628 \u0628\u062d\u0645\u0627\u064a\u0629",
        "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8",
        "x\u3000y\tz\nw \u00ab quoted \u00bb \u2014 dash",
        "  ...  ",
        "",
        None,
    ]
    assert campaigns.normalise_all(texts) == [campaigns.normalise(t) for t in texts]
    assert campaigns.normalise_all(["ascii only, twice.", "A-B"]) == ["ascii only twice", "a b"]
    assert campaigns.normalise_all(["a\x00b", "c"]) == ["a b", "c"]


def test_bulk_signatures_are_datasketch_minhash_of_each_text():
    data = generate(300, seed=3)
    distinct = sorted({campaigns.normalise(t) for t in data.texts})
    distinct += [
        "ab",
        "ab cd",
        "ab cd ef",
        "abcdefg",
        "caf\u00e9 na\u00efve \u0628\u062d \u65e5\u672c",
    ]
    flat, bounds = campaigns._hashed_shingles(distinct)
    sig = campaigns.signatures(flat, bounds)
    for i, text in enumerate(distinct):
        assert set(flat[bounds[i] : bounds[i + 1]].tolist()) == campaigns.shingle_hashes(text)
        assert np.array_equal(campaigns.minhash(text).hashvalues, sig[i])


def test_a_pair_just_below_the_threshold_is_not_grouped():
    words = [f"word{i}" for i in range(20)]
    changed = list(words)
    changed[5], changed[12] = "other", "another"
    # 19 word pairs each, 15 shared: Jaccard 15 / 23 = 0.65
    pair = [" ".join(words), " ".join(changed)]
    assert detect(pair, threshold=0.7).near == []
    assert [g.signatures for g in detect(pair, threshold=0.6).near] == [2]
