"""Text preparation for the narration voice: pure functions, no database."""

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from masthead.narration.normalise import (
    apply_lexicon,
    chunk_sentence,
    normalise,
    prepare_paragraph,
    split_sentences,
    spoken_hash,
)

MODULE_PATH = Path(__file__).parents[2] / "src" / "masthead" / "narration" / "normalise.py"


def _cases(table: dict[str, str]):
    return pytest.mark.parametrize(("written", "spoken"), list(table.items()), ids=list(table))


# --- normalise ---------------------------------------------------------------------------


@_cases(
    {
        "$350 billion": "three hundred fifty billion dollars",
        "$4.2 million": "four point two million dollars",
        "$1.4 billion": "one point four billion dollars",
        "$24": "twenty-four dollars",
        "$3.50": "three dollars and fifty cents",
        "$1": "one dollar",
        "$1.01": "one dollar and one cent",
        "$0.50": "fifty cents",
        "$1,200": "one thousand two hundred dollars",
        "$5m": "five million dollars",
        "€5": "five euros",
        "£5": "five pounds",
        "£3.50": "three pounds and fifty pence",
        "US$5": "five U S dollars",
    }
)
def test_currency_is_spoken_as_an_amount_followed_by_its_unit(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "40%": "forty percent",
        "11.5%": "eleven point five percent",
        "-2%": "minus two percent",
        "a 3 % rise": "a three percent rise",
    }
)
def test_percentages_are_spoken_with_the_word_percent(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "1,200": "one thousand two hundred",
        "1,234,567": "one million two hundred thirty-four thousand five hundred sixty-seven",
        "350": "three hundred fifty",
        "3.5": "three point five",
        "0.05": "zero point zero five",
        "-4": "minus four",
        "a 3-1 win": "a three-one win",
        "COVID-19": "COVID-nineteen",
    }
)
def test_plain_numbers_are_spoken_in_us_style_without_and(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "in 1987": "in nineteen eighty-seven",
        "since 2023": "since twenty twenty-three",
        "the 1990s": "the nineteen nineties",
        "in 2000": "in two thousand",
        "in 2008": "in two thousand eight",
        "in 2010": "in twenty ten",
        "in 1905": "in nineteen oh five",
        "in 1100": "in eleven hundred",
        "the '80s": "the eighties",
        "the 2020-21 season": "the twenty twenty to twenty-one season",
        # Documented limit: four digits in the year range are always a year.
        "1987 people": "nineteen eighty-seven people",
        "1,987 people": "one thousand nine hundred eighty-seven people",
        "3000": "three thousand",
    }
)
def test_four_digit_numbers_from_1100_to_2099_are_read_as_years(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "3rd": "third",
        "21st": "twenty-first",
        "the 12th edition": "the twelfth edition",
        "the 101st time": "the one hundred first time",
    }
)
def test_ordinals_are_spoken_as_ordinal_words(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "Oct. 14": "October fourteenth",
        "Jan. 3, 2025": "January third, twenty twenty-five",
        "October 14": "October fourteenth",
        "Sept. 9": "September ninth",
        "Sep. 9": "September ninth",
        "Dec 1": "December first",
        "May 4": "May fourth",
        "on Aug. 21st": "on August twenty-first",
        "in March 2024": "in March twenty twenty-four",
    }
)
def test_dates_expand_the_month_and_read_the_day_as_an_ordinal(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "7:30 p.m.": "seven thirty P M.",
        "at 7:30 p.m. tonight": "at seven thirty P M tonight",
        "at 10:05 a.m. sharp": "at ten oh five A M sharp",
        "at 2:17 a.m. on Sunday": "at two seventeen A M on Sunday",
        "at 9 a.m. today": "at nine A M today",
        "at 9am today": "at nine A M today",
        "at 6 PM today": "at six P M today",
        "at 12:00 p.m. today": "at twelve P M today",
        "at noon": "at noon",
        "at 19:45": "at nineteen forty-five",
        "at 7:00": "at seven o'clock",
    }
)
def test_clock_times_are_read_with_meridiem_as_letters(written, spoken):
    assert normalise(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("The meeting ended at 9 p.m.", "The meeting ended at nine P M."),
        ("He moved to the U.S.", "He moved to the U S."),
        ("Shares in Acme Inc.", "Shares in Acme Incorporated."),
        ("Apples, pears, etc.", "Apples, pears, et cetera."),
        ("She lives on Main St.", "She lives on Main Street."),
        ("They met at 9 a.m.”", "They met at nine A M.”"),
    ],
)
def test_an_abbreviation_that_ends_a_sentence_still_ends_it(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "Mr. Smith": "Mister Smith",
        "Mrs. Smith": "Missus Smith",
        "Ms. Smith": "Miz Smith",
        "Dr. Smith": "Doctor Smith",
        "Mr Smith": "Mister Smith",
        "Gen. Roe": "General Roe",
        "Gov. Roe": "Governor Roe",
        "Sen. Roe": "Senator Roe",
        "Rep. Roe": "Representative Roe",
        "Prof. Roe": "Professor Roe",
        "St. Louis": "Saint Louis",
        "in St. Paul": "in Saint Paul",
        "200 Main St. in town": "two hundred Main Street in town",
        "Sunset Dr. in town": "Sunset Drive in town",
        "No. 4": "Number four",
        "ranked No. 4": "ranked number four",
        "Acme Ltd. said": "Acme Limited said",
        "Acme Inc. said": "Acme Incorporated said",
        "Acme Co. said": "Acme Company said",
        "cats vs. dogs": "cats versus dogs",
        "Roe v. Wade": "Roe versus Wade",
        "pens, etc., and ink": "pens, et cetera, and ink",
        "fruit, e.g., apples": "fruit, for example, apples",
        "the capital, i.e., Paris": "the capital, that is, Paris",
        "approx. 40 people": "approximately forty people",
        "E.g. apples": "For example apples",
    }
)
def test_titles_and_abbreviations_are_expanded_to_words(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "the U.S. embassy": "the U S embassy",
        "the U.K. and the U.N.": "the U K and the U N.",
        "E.U. rules": "E U rules",
        "the BBC said": "the B B C said",
        "the CEO said": "the C E O said",
        "NHS waiting lists": "N H S waiting lists",
        "the FBI and GDP": "the F B I and G D P",
        "the BBC's reporter": "the B B C's reporter",
        "NASA and NATO": "NASA and NATO",
        "UNESCO and COVID": "UNESCO and COVID",
        "J. R. Smith": "J R Smith",
        "George W. Bush": "George W Bush",
        "He said NO to it": "He said NO to it",
        "World War II": "World War two",
        "Queen Elizabeth II": "Queen Elizabeth the second",
        "Title IX": "Title nine",
    }
)
def test_initialisms_are_read_as_letters_but_known_acronyms_stay_words(written, spoken):
    assert normalise(written) == spoken


@_cases(
    {
        "salt & pepper": "salt and pepper",
        "AT&T": "A T and T",
        "#1 hit": "number one hit",
        "The mayor — who resigned — spoke": "The mayor, who resigned, spoke",
        "yes—no": "yes, no",
        "prices rose – sharply": "prices rose, sharply",
        "pages 10–12": "pages ten to twelve",
        "It was 72°F": "It was seventy-two degrees Fahrenheit",
        "He said “it’s fine” to ‘us’.": "He said “it’s fine” to ‘us’.",
        "too   many    spaces": "too many spaces",
    }
)
def test_symbols_and_dashes_are_spoken_and_curly_quotes_are_kept(written, spoken):
    assert normalise(written) == spoken


@pytest.mark.parametrize(
    "written",
    [
        "Gen. Tamsin Roe met Dr. Ivo Brandt on Oct. 14 in the U.S. embassy.",
        "The meeting ended at 9 p.m. Officials left.",
        "Shares fell 11.5% to $3.50 on Jan. 3, 2025, the BBC said.",
        "No. 4 seed; the 1990s & the 21st century — AT&T, NASA, World War II.",
        "Mr. Smith lives on Main St. in St. Louis, e.g. near 7:30 a.m. traffic.",
    ],
)
def test_normalising_spoken_text_again_changes_nothing(written):
    spoken = normalise(written)
    assert normalise(spoken) == spoken


def test_normalise_keeps_the_breaks_between_sentences_and_paragraphs():
    text = "He arrived at 9 p.m. Officials left.\n\nThe U.S. agreed."
    assert normalise(text) == "He arrived at nine P M. Officials left.\n\nThe U S agreed."


# --- split_sentences -------------------------------------------------------------------------


def test_titles_month_abbreviations_and_initialisms_do_not_break_a_sentence():
    text = "Gen. Tamsin Roe met Dr. Ivo Brandt on Oct. 14 in the U.S. embassy."
    assert split_sentences(text) == [text]


def test_a_time_ending_in_pm_before_a_capitalised_word_ends_the_sentence():
    text = "The meeting ended at 9 p.m. Officials left."
    assert split_sentences(text) == ["The meeting ended at 9 p.m.", "Officials left."]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("J. R. Smith arrived. He sat.", ["J. R. Smith arrived.", "He sat."]),
        ("It rose 3.5 points. Then it fell.", ["It rose 3.5 points.", "Then it fell."]),
        ("They met at 9 p.m. and talked.", ["They met at 9 p.m. and talked."]),
        ("They met at 9 a.m. Tuesday.", ["They met at 9 a.m. Tuesday."]),
        (
            "Mr. Lee and Mrs. Lee left. Ms. Roe stayed.",
            ["Mr. Lee and Mrs. Lee left.", "Ms. Roe stayed."],
        ),
        ("He is No. 4 in the U.S. Senate.", ["He is No. 4 in the U.S. Senate."]),
        ("No. I refuse.", ["No.", "I refuse."]),
        ("He moved to the U.S. He liked it.", ["He moved to the U.S.", "He liked it."]),
        ("Pens, etc. The rest was ink.", ["Pens, etc.", "The rest was ink."]),
        ("Cats vs. Dogs e.g. Rex won.", ["Cats vs. Dogs e.g. Rex won."]),
        ("Did he? Yes! “Go.” She left.", ["Did he?", "Yes!", "“Go.”", "She left."]),
        ("“Why?” she asked. “Because.”", ["“Why?” she asked.", "“Because.”"]),
        ("First.\n\nsecond paragraph", ["First.", "second paragraph"]),
        ("  ", []),
    ],
)
def test_sentences_split_on_end_punctuation_but_not_after_abbreviations(text, sentences):
    assert split_sentences(text) == sentences


# --- chunk_sentence ------------------------------------------------------------------------


def test_a_160_word_sentence_becomes_chunks_of_at_most_35_words():
    words = [f"word{i}," if i % 9 == 8 else f"word{i}" for i in range(160)]
    sentence = " ".join(words) + "."
    chunks = chunk_sentence(sentence, max_words=35)
    assert len(chunks) >= 5
    assert all(1 <= len(chunk.split()) <= 35 for chunk in chunks)
    assert " ".join(chunks) == sentence


def test_a_sentence_without_any_boundary_is_cut_into_even_pieces():
    sentence = " ".join(f"w{i}" for i in range(160))
    chunks = chunk_sentence(sentence, max_words=35)
    assert [len(c.split()) for c in chunks] == [32, 32, 32, 32, 32]
    assert " ".join(chunks) == sentence


def test_a_short_sentence_is_one_chunk():
    assert chunk_sentence("The bridge reopened on Monday.") == ["The bridge reopened on Monday."]


@pytest.mark.parametrize(
    ("sentence", "max_words", "chunks"),
    [
        (
            "one two three, four five six; seven eight nine, ten eleven twelve.",
            8,
            ["one two three, four five six;", "seven eight nine, ten eleven twelve."],
        ),
        (
            "one two three four, five six seven and eight nine ten.",
            6,
            ["one two three four,", "five six seven", "and eight nine ten."],
        ),
        (
            "one two three four and five six seven eight but nine ten.",
            6,
            ["one two three four", "and five six seven eight", "but nine ten."],
        ),
        (
            "the old plan which was late went ahead quietly.",
            5,
            ["the old plan", "which was late", "went ahead quietly."],
        ),
    ],
)
def test_long_sentences_break_at_semicolons_then_commas_then_conjunctions(
    sentence, max_words, chunks
):
    assert chunk_sentence(sentence, max_words=max_words) == chunks


@pytest.mark.parametrize("sentence", ["", "   ", "\n"])
def test_an_empty_sentence_gives_no_chunks(sentence):
    assert chunk_sentence(sentence) == []


def test_max_words_below_one_is_refused():
    with pytest.raises(ValueError):
        chunk_sentence("a b c", max_words=0)


# --- apply_lexicon -------------------------------------------------------------------------

LEXICON = [("Tarn", "Tahrn"), ("Tarn Valley", "Tahrn Val-ee"), ("Łódź", "Woodge")]


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("The Tarn bridge", "The Tahrn bridge"),
        ("the TARN and the tarn", "the Tahrn and the Tahrn"),
        ("Tarnished silver", "Tarnished silver"),
        ("The Tarn Valley road", "The Tahrn Val-ee road"),
        ("The tarn  valley road", "The Tahrn Val-ee road"),
        ("Tarn-side cafés", "Tahrn-side cafés"),
        ("Łódź and Łódźka", "Woodge and Łódźka"),
        ("ŁÓDŹ", "Woodge"),
    ],
)
def test_lexicon_replaces_whole_words_and_phrases_in_any_case(text, spoken):
    assert apply_lexicon(text, LEXICON) == spoken


def test_lexicon_prefers_the_longer_phrase_whatever_the_entry_order():
    entries = [("New York", "Noo York"), ("New York Times", "Noo York Tymz")]
    assert apply_lexicon("The New York Times", entries) == "The Noo York Tymz"


def test_lexicon_never_replaces_a_replacement():
    entries = [("Tarn", "Tahrn"), ("Tahrn", "wrong")]
    assert apply_lexicon("Tarn", entries) == "Tahrn"


def test_an_empty_lexicon_leaves_text_unchanged():
    assert apply_lexicon("The Tarn bridge", []) == "The Tarn bridge"
    assert apply_lexicon("The Tarn bridge", [("  ", "x")]) == "The Tarn bridge"


# --- prepare_paragraph and spoken_hash -------------------------------------------------------


def test_prepare_paragraph_splits_normalises_and_chunks():
    paragraph = "Dr. Roe paid $24 at 9 p.m. Officials left the Tarn Valley."
    assert prepare_paragraph(paragraph, lexicon=LEXICON) == [
        "Doctor Roe paid twenty-four dollars at nine P M.",
        "Officials left the Tahrn Val-ee.",
    ]


def test_prepare_paragraph_respects_max_words():
    paragraph = "one two three, four five six, seven eight nine. Ten."
    assert prepare_paragraph(paragraph, max_words=3) == [
        "one two three,",
        "four five six,",
        "seven eight nine.",
        "Ten.",
    ]


def test_spoken_hash_is_the_sha256_of_the_chunks_joined_by_newlines():
    chunks = ["Doctor Roe paid.", "The café closed."]
    joined = "Doctor Roe paid.\nThe café closed."
    expected = hashlib.sha256(joined.encode("utf-8")).hexdigest()
    assert spoken_hash(chunks) == expected


def test_spoken_hash_changes_when_any_chunk_changes():
    assert spoken_hash(["a", "b"]) == spoken_hash(["a", "b"])
    assert spoken_hash(["a", "b"]) != spoken_hash(["a", "c"])
    assert spoken_hash(["a b"]) != spoken_hash(["a", "b"])


def test_the_module_imports_without_django():
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('normalise', {str(MODULE_PATH)!r})\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        "assert not any(m.split('.')[0] == 'django' for m in sys.modules), 'django imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
