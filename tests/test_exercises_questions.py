"""Multiple-choice questions are data: every file loads, malformed files are refused with a clear error,
and the set of questions is worth answering (keys spread over the letters, distractors as long as keys)."""
import re
from collections import Counter
from importlib import resources

import pytest

from alibi_edu.exercises import check, core, questions

FILES = sorted(f for f in resources.files(questions).iterdir() if f.name.endswith(".toml"))
ITEMS = [q for f in FILES for q in questions.load(f.read_text(encoding="utf-8"), f.name)]

GOOD = '''
[[question]]
id = "09.1"
title = "A title"
question = "A question?"
reread = "a section"
key = "B"
why = "because"
[question.options]
A = "one"
B = "two"
[question.hints]
A = "not one"
'''


def test_the_package_ships_one_file_per_notebook_with_questions():
    assert [f.name for f in FILES] == [f"nb0{n}.toml" for n in range(1, 7)]


def test_the_21_items_are_registered_as_quizzes():
    assert len(ITEMS) == 21
    for item in ITEMS:
        assert core.get(item["id"]).choices == item["options"]
        assert check(item["id"], item["key"]).passed


def test_a_good_file_loads():
    assert questions.load(GOOD)[0]["key"] == "B"


@pytest.mark.parametrize("change, error", [
    (lambda t: t.replace('key = "B"', 'key = "C"'), "key 'C' is not one of the options"),
    (lambda t: t.replace('A = "not one"', ''), "one hint per wrong option"),
    (lambda t: t.replace('A = "not one"', 'A = "not one"\nB = "extra"'), "one hint per wrong option"),
    (lambda t: t.replace('why = "because"\n', ''), "missing ['why']"),
    (lambda t: t.replace('why = "because"', 'why = "because"\nanswer = "B"'), "unknown ['answer']"),
    (lambda t: t.replace('title = "A title"', 'title = ""'), "'title' must be a non-empty string"),
    (lambda t: t.replace('id = "09.1"', 'id = "nine"'), "not of the form"),
    (lambda t: t.replace('A = "one"\nB = "two"', 'B = "two"\nA = "one"'), "letters A, B, … in order"),
    (lambda t: t.replace('A = "one"\n', ''), "letters A, B, … in order"),
    (lambda t: t.replace('[[question]]', '[question]'), "[[question]]"),
    (lambda t: "stray = 1\n" + t, "[[question]]"),
    (lambda t: t.replace('key = "B"', 'key = B'), "not valid TOML"),
    (lambda t: t.replace('A = "not one"', 'A = 3'), "non-empty string"),
])
def test_a_malformed_file_is_refused_naming_the_problem(change, error):
    with pytest.raises(ValueError, match=re.escape(error)) as info:
        questions.load(change(GOOD), "nb09.toml")
    assert "nb09.toml" in str(info.value)


def test_right_letters_spread_evenly_over_a_to_d():
    counts = Counter(item["key"] for item in ITEMS)
    assert set(counts) == set("ABCD") and max(counts.values()) - min(counts.values()) <= 1, counts


def test_the_right_option_is_rarely_the_longest_and_distractors_are_as_long():
    longest = 0
    for item in ITEMS:
        lengths = {k: len(v) for k, v in item["options"].items()}
        key_length = lengths.pop(item["key"])
        longest += key_length > max(lengths.values()) + 3
        assert key_length <= 1.1 * max(lengths.values()), (item["id"], key_length, lengths)
        assert min(lengths.values()) >= 0.6 * key_length, (item["id"], key_length, lengths)
    assert longest <= len(ITEMS) // 3, f"the key is clearly the longest option in {longest} of {len(ITEMS)}"


def test_no_hint_or_why_points_at_a_letter():
    for item in ITEMS:
        for text in [item["why"], item["reread"], *item["hints"].values()]:
            assert not re.search(r"\b(option|answer|letter|choice)\s+[A-D]\b|\([A-D]\)|\"[A-D]\"", text), text


def test_the_closing_quiz_does_not_repeat_earlier_questions():
    earlier = {item["question"] for item in ITEMS if not item["id"].startswith("06.")}
    for item in (i for i in ITEMS if i["id"].startswith("06.")):
        assert item["question"] not in earlier
        for text in earlier:      # not the same question with a word or two changed
            shared = set(re.findall(r"\w+", text)) & set(re.findall(r"\w+", item["question"]))
            assert len(shared) < 0.8 * len(set(re.findall(r"\w+", item["question"]))), (item["id"], text)


# --- a wrong option's hint teaches; it never points at another option ------------------------------

POINTING = re.compile(r"\bswapped\b|\bother way round\b|\bthe opposite (?:option|answer)\b|\bnot for that reason\b|"
                      r"^(?:true|false),? yes\b", re.I)


def letter_references(text: str, letters: set[str]) -> list[str]:
    """Option letters standing alone in text; the article "A" before a lower-case word is not one."""
    hits = []
    for m in re.finditer(r"(?<![\w'’])([A-H])(?![\w'’])", text):
        if m.group(1) == "A" and re.match(r" [a-zα-ω]", text[m.end():m.end() + 2]):
            continue
        if m.group(1) in letters:
            hits.append(m.group(0))
    return hits


def word_runs(text: str, n: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"[\w√·−^()/.]+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_a_wrong_options_hint_names_no_other_option_and_quotes_none(item):
    for letter, hint in item["hints"].items():
        others = {k: v for k, v in item["options"].items() if k != letter}
        assert not letter_references(hint, set(others)), (item["id"], letter, hint)
        assert not POINTING.search(hint), (item["id"], letter, hint)
        for other, text in others.items():
            shared = word_runs(hint) & word_runs(text)
            assert not shared, f"{item['id']} {letter}'s hint quotes option {other}: {shared}"


def test_the_pointing_lint_can_fail():
    assert letter_references("Swapped with D: see C.", {"C", "D"}) == ["D", "C"]
    assert letter_references("A finite penalty lowers it; model P and Q.", {"B", "C"}) == []
    assert POINTING.search("Swapped: with −∞ everywhere …") and POINTING.search("False, yes, but not for that reason")
    assert word_runs("compare 1.0 with 0.25·6 here") & word_runs("its content edge of 1.0 with 0.25·6 here")
