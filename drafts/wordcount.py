"""Counting words as a person would, in every script the UN works in.

Words are runs of letters, marks and digits: Arabic with its vowel marks and the tatweel stays
one word, French "l'article" and "peut-être" are one word each (as word processors count
them), "2,000" is one number. Chinese and Japanese are written without spaces: each Han
character (and each kana) counts as one word, as word processors count East Asian text.
"""

import unicodedata

# Inside a word, between two of its letters or digits: apostrophes, hyphens, a dot or comma
# between digits.
_JOINERS = {"'", "’", "-", "‐", "‑"}
_NUMBER_JOINERS = {",", ".", "٬", "٫", " "}


def _is_east_asian(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= code <= 0x4DBF  # extension A
        or 0x20000 <= code <= 0x2FA1F  # extensions B-F, compatibility supplement
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x3040 <= code <= 0x30FF  # hiragana, katakana
    )


def _in_word(ch: str) -> bool:
    return unicodedata.category(ch)[0] in ("L", "M", "N") or ch == "\u200d"


def count_words(text: str) -> int:
    """The number of words in `text`."""
    count = 0
    in_word = False
    chars = unicodedata.normalize("NFC", text or "")
    for i, ch in enumerate(chars):
        if _is_east_asian(ch):
            count += 1
            in_word = False
            continue
        if _in_word(ch):
            if not in_word:
                count += 1
                in_word = True
            continue
        if in_word and i + 1 < len(chars):
            before, after = chars[i - 1], chars[i + 1]
            if ch in _JOINERS and _in_word(after) and not _is_east_asian(after):
                continue
            if ch in _NUMBER_JOINERS and ch != " " and before.isdigit() and after.isdigit():
                continue
        in_word = False
    return count
