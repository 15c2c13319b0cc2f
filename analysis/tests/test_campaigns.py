from analysis.campaigns import detect, pair_scores
from analysis.generated import generate


def test_planted_campaigns_are_found():
    data = generate(3000, seed=11)
    report = detect(data.texts, threshold=0.7)
    precision, recall = pair_scores([g.members for g in report.near], data.campaigns)
    assert precision >= 0.99
    assert recall >= 0.94  # measured 0.957 here, 0.922 at 100,000 (bench/analysis.py)


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
