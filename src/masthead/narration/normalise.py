"""Prepare article text for the narration voice (Piper, English US).

Piper reads raw newsroom copy poorly: "$1.4 billion" comes out as "dollar one point four
billion", the full stop in "Mr.", "Dr.", "Jan.", "St." or "No." is taken as the end of a
sentence, and a sentence much over 35 words can exhaust the synthesiser's memory. This
module turns prose into short chunks of plain words that the voice reads as a person would.

Intended pipeline, for each paragraph (this is exactly what :func:`prepare_paragraph` does)::

    sentences = split_sentences(paragraph)          # on the RAW text
    spoken = [normalise(s) for s in sentences]      # expand numbers, abbreviations, symbols
    chunks = [c for s in spoken for c in chunk_sentence(s, max_words=35)]

Splitting comes first because the full stops that decide sentence ends ("Dr.", "U.S.",
"9 p.m.") are exactly what ``normalise`` rewrites. ``normalise`` still accepts several
sentences at once (it splits internally, so an abbreviation that ends a sentence keeps its
full stop), and is idempotent: normalising spoken text again changes nothing. An editors'
pronunciation lexicon (:func:`apply_lexicon`) is applied to each raw sentence before
``normalise``, so entries can match the copy as written ("NHS", "Nguyen"); write respellings
in lower or title case, because ``normalise`` spells out 2-5 letter all-capital words.

Deliberate limits (kept simple rather than clever):

* A 4-digit number 1100-2099 without separators is always read as a year ("1987 people" is
  "nineteen eighty-seven people"); write "1,987" when a count is meant.
* All-capital words of 2-5 letters are spelled out ("BBC" -> "B B C") unless they are in
  ``ACRONYMS_READ_AS_WORDS`` (NASA, NATO, COVID, ...) or ``CAPITALISED_WORDS`` (common words
  written in capitals for emphasis). Roman numerals are read only after a capitalised word:
  cardinal after words like "War" or "Title", otherwise as a regnal ordinal
  ("Elizabeth II" -> "Elizabeth the second").
* Hyphenated number pairs ("3-1", "10-12") keep the hyphen: a score and a range look alike.
* Day-first dates ("14 October"), fractions ("1/2"), units glued to numbers ("5km", "4G"),
  US state abbreviations ("Calif.") and phone numbers are left for the voice to read.
* After "U.S.", "Inc.", "St." and similar, a sentence ends only when the next word is a
  common sentence opener ("He", "The", ...), so "in the U.S. Officials said" stays one
  sentence. After "a.m.", "p.m." and "etc." any capitalised word starts a new sentence,
  except a weekday, month or time zone ("9 a.m. Tuesday").

Pure Python: importing this module must not import Django.
"""

import functools
import hashlib
import math
import re
from collections.abc import Callable, Iterable

__all__ = [
    "ACRONYMS_READ_AS_WORDS",
    "CAPITALISED_WORDS",
    "apply_lexicon",
    "chunk_sentence",
    "normalise",
    "prepare_paragraph",
    "split_sentences",
    "spoken_hash",
]

Replacer = Callable[[re.Match[str]], str]

# Well-known acronyms that people say as words; every other 2-5 letter capitalised token is
# spelled out. Longer entries are listed for completeness (only 2-5 letters are ever spelled).
ACRONYMS_READ_AS_WORDS = frozenset(
    "NASA NATO UNESCO UNICEF COVID OPEC FIFA UEFA NAFTA AIDS SARS MERS ISIS FEMA NORAD SWAT "
    "ASEAN OSHA SCOTUS POTUS NIMBY LIDAR RADAR LASER SCUBA PIN ZIP GIF".split()
)
# Ordinary words a writer may put in capitals for emphasis ("I said NO"). Not "US", "IT",
# "WHO" or "AM": in news copy those are nearly always initialisms.
CAPITALISED_WORDS = frozenset(
    "AN AND ARE AS AT BE BUT BY DO FOR GO HE HER HIS IF IN IS ME MY NO NOT OF OH ON OR SO "
    "THE TO UP WE YES YOU ALL NEW NOW OUR OUT STOP HELP LIVE FREE NEWS THIS THAT WILL WITH "
    "WHAT WHY HOW WAS HAS HAD HAVE JUST ONLY MUST NEVER VERY OPEN".split()
)

_DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_OPENING = "\"'“‘([«"
_CLOSING = "\"'”’)]»"
_MONTHS = (
    "January February March April May June July August September October November December"
).split()
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_TIME_ZONES = "ET EST EDT CT CST CDT MT MST MDT PT PST PDT GMT BST UTC".split()

# --- Abbreviation tables -------------------------------------------------------------------

_TITLES = {
    "Mr": "Mister",
    "Mrs": "Missus",
    "Ms": "Miz",
    "Gen": "General",
    "Gov": "Governor",
    "Sen": "Senator",
    "Rep": "Representative",
    "Prof": "Professor",
    "Lt": "Lieutenant",
    "Col": "Colonel",
    "Capt": "Captain",
    "Sgt": "Sergeant",
    "Rev": "Reverend",
    "Mt": "Mount",
    "Ft": "Fort",
}
# Written without a full stop (British style) these are still titles before a name; the
# other short forms ("Gen", "Rep", "Col") are ordinary words too, so they need the stop.
_DOTLESS_TITLES = ("Mrs", "Mr", "Ms", "Dr", "Prof")
_NAME_SUFFIXES = {
    "Inc": "Incorporated",
    "Ltd": "Limited",
    "Co": "Company",
    "Corp": "Corporation",
    "Jr": "Junior",
    "Sr": "Senior",
    "Ave": "Avenue",
    "Blvd": "Boulevard",
    "Dept": "Department",
}
_LATIN = {
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "vs.": "versus",
    "vs": "versus",
    "approx.": "approximately",
}
_MONTH_ABBREVIATIONS = {
    "Jan": "January",
    "Feb": "February",
    "Mar": "March",
    "Apr": "April",
    "Jun": "June",
    "Jul": "July",
    "Aug": "August",
    "Sept": "September",
    "Sep": "September",
    "Oct": "October",
    "Nov": "November",
    "Dec": "December",
}
# Capitalised words that can precede "St." at the start of a sentence or in a place name
# without making it "Street": "In St. Louis", "Lake St. Clair", "Port St. Lucie".
_NOT_A_STREET_NAME = frozenset(
    "in at on from to near of the a an and but by for with via outside inside visit "
    "lake port fort mount sault cape bay".split()
)
_CARDINAL_ROMAN_CONTEXT = frozenset(
    "War Phase Part Chapter Title Article Type Stage Class Category Level Vatican Act "
    "Volume Book Round Grade Schedule Mark Episode Apollo Bowl".split()
)

# --- Sentence-splitting rules --------------------------------------------------------------

# A full stop after these never ends a sentence.
_NEVER_END = frozenset(
    [f"{t.lower()}." for t in _TITLES]
    + [f"{m.lower()}." for m in _MONTH_ABBREVIATIONS]
    + ["dr.", "e.g.", "i.e.", "vs.", "v.", "approx."]
)
# These end a sentence before any capitalised word except a weekday, month or time zone.
_TIME_LIKE = frozenset(["a.m.", "p.m.", "etc."])
_NOT_AFTER_TIME = frozenset(_WEEKDAYS + _MONTHS + _TIME_ZONES)
# These (and dotted initialisms such as "U.S.") usually sit inside a name: they end a
# sentence only before a word that commonly opens one.
_NAME_LIKE = frozenset([f"{s.lower()}." for s in _NAME_SUFFIXES] + ["st."])
_SENTENCE_OPENERS = frozenset(
    "A An The He She It They We I You His Her Its Their Our My This That These Those There "
    "Then But And Yet So In On At After Before When While If As Meanwhile However Still "
    "Also Now Last Earlier Later Some Many Most No Not Both Each".split()
)

_BOUNDARY = re.compile(rf"(?P<stop>[.!?…]+[{re.escape(_CLOSING)}]*)(?=\s)|(?P<blank>\n[ \t]*\n)")
_DOTTED_INITIALISM = re.compile(r"(?:[A-Za-z]\.){2,}")
_NEXT_WORD = re.compile(rf"[{re.escape(_OPENING)}]*(\S+)")


def split_sentences(text: str) -> list[str]:
    """Split raw text into sentences, keeping abbreviations, initials and decimals intact."""
    return [text[start:end] for start, end in _sentence_spans(text)]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match["blank"] or _ends_sentence(text, match):
            _add_span(spans, text, start, match.end())
            start = match.end()
    _add_span(spans, text, start, len(text))
    return spans


def _add_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    # Spans exclude surrounding whitespace so callers get clean sentences.
    piece = text[start:end]
    if piece.strip():
        spans.append(
            (start + len(piece) - len(piece.lstrip()), end - len(piece) + len(piece.rstrip()))
        )


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    following = _NEXT_WORD.match(text[match.end() :].lstrip())
    if following is None:
        return True
    next_word = following[1]
    first = next((c for c in next_word if c.isalnum()), "")
    if first.islower():  # "p.m. and", "'Why?' she asked": the sentence runs on
        return False
    if set(match["stop"]) & set("!?…"):
        return True
    return _full_stop_ends_sentence(text, match.start(), next_word)


def _full_stop_ends_sentence(text: str, stop: int, next_word: str) -> bool:
    token_start = stop
    while token_start > 0 and not text[token_start - 1].isspace():
        token_start -= 1
    token = text[token_start : stop + 1].lstrip(_OPENING)
    key = token.lower()
    bare_next = re.match(r"\w*", next_word)[0]  # "Tuesday." -> "Tuesday"
    if key in _NEVER_END:
        return False
    if key == "no.":  # "No. 4" is a number; "No." alone is the word
        return not next_word[:1].isdigit() and not next_word.startswith("#")
    if key in _TIME_LIKE or _is_spoken_meridiem(text, token_start, key):
        return bare_next not in _NOT_AFTER_TIME
    if len(token) == 2 and token[0].isalpha():  # an initial, as in "J. R. Smith"
        return False
    if key in _NAME_LIKE or _DOTTED_INITIALISM.fullmatch(token):
        return bare_next in _SENTENCE_OPENERS
    return True


def _is_spoken_meridiem(text: str, token_start: int, key: str) -> bool:
    # Already-normalised "nine P M." must still end its sentence.
    return key == "m." and re.search(r"\b[AaPp] $", text[:token_start]) is not None


# --- Number words ----------------------------------------------------------------------------


def num2words(number: int, **kwargs) -> str:
    # Imported on first use: its 60 language modules (~4 MB) would otherwise sit in every
    # web process, which imports this module (through the narration admin views) but
    # never narrates.
    from num2words import num2words

    return num2words(number, **kwargs)


def _us_style(words: str) -> str:
    # num2words writes British "three hundred and fifty, ..."; US speech drops both.
    return " ".join(re.sub(r"\band\b", " ", words.replace(",", " ")).split())


def _cardinal(number: int) -> str:
    return _us_style(num2words(number))


def _ordinal(number: int) -> str:
    return _us_style(num2words(number, to="ordinal"))


def _year(number: int) -> str:
    # "nineteen oh-five" -> "nineteen oh five", matching how clock times are read.
    return _us_style(num2words(number, to="year")).replace("oh-", "oh ")


def _decimal(whole: str, fraction: str | None) -> str:
    # Digits after the point are read one by one: "four point two five", never "twenty-five".
    words = _cardinal(int(whole.replace(",", "")))
    if fraction:
        words += " point " + " ".join(_DIGIT_WORDS[int(d)] for d in fraction)
    return words


def _plural(words: str) -> str:
    """'nineteen ninety' -> 'nineteen nineties' (decades)."""
    head, last = re.match(r"(.*?)(\w+)$", words).groups()
    if last.endswith("y"):
        return f"{head}{last[:-1]}ies"
    return f"{head}{last}{'es' if last.endswith('x') else 's'}"


# --- Replacement helpers -----------------------------------------------------------------


def _at_sentence_end(match: re.Match[str]) -> bool:
    return not match.string[match.end() :].strip(_CLOSING + " ")


def _at_sentence_start(match: re.Match[str]) -> bool:
    return not match.string[: match.start()].strip(_OPENING + " ")


def _keep_stop(replace: Replacer) -> Replacer:
    """Wrap a replacer so an abbreviation's full stop that ends the sentence survives."""

    def wrapped(match: re.Match[str]) -> str:
        spoken = replace(match)
        if match[0].endswith(".") and _at_sentence_end(match):
            spoken += "."
        return spoken

    return wrapped


def _capitalise_like(original: str, spoken: str) -> str:
    return spoken[:1].upper() + spoken[1:] if original[:1].isupper() else spoken


def _neighbour_words(match: re.Match[str]) -> tuple[str, str]:
    before = match.string[: match.start()].split()
    after = match.string[match.end() :].split()
    strip = _OPENING + _CLOSING + ",;:"
    return (before[-1].strip(strip) if before else ""), (after[0].strip(strip) if after else "")


def _is_name(word: str) -> bool:
    return word[:1].isupper()


# --- Abbreviations ---------------------------------------------------------------------------


def _latin(match: re.Match[str]) -> str:
    return _capitalise_like(match[0], _LATIN[match[0].lower()])


def _title(match: re.Match[str]) -> str:
    return _TITLES.get(match["abbr"]) or {"Dr": "Doctor", "Prof": "Professor"}[match["abbr"]]


def _saint_or_street(match: re.Match[str]) -> str:
    before, after = _neighbour_words(match)
    if _is_name(before) and before.lower() not in _NOT_A_STREET_NAME:
        return "Street"  # "Main St."
    return "Saint" if _is_name(after) else "Street"


def _doctor_or_drive(match: re.Match[str]) -> str:
    before, after = _neighbour_words(match)
    if not _is_name(after) and _is_name(before) and before.lower() not in _NOT_A_STREET_NAME:
        return "Drive"  # "Sunset Dr."
    return "Doctor"


def _number_sign(match: re.Match[str]) -> str:
    return "Number" if _at_sentence_start(match) else "number"


def _spelled(letters: str) -> str:
    return " ".join(letters.upper())


def _ampersand_initials(match: re.Match[str]) -> str:
    return f"{_spelled(match[1])} and {_spelled(match[2])}"


# --- Times, money, numbers -------------------------------------------------------------------


def _clock(hour: int, minute: int, *, meridiem: str = "") -> str:
    spoken = _cardinal(hour)
    if minute:
        spoken += f" oh {_cardinal(minute)}" if minute < 10 else f" {_cardinal(minute)}"
    elif not meridiem:
        # "19:00" is "nineteen hundred"; "7:00" is "seven o'clock".
        spoken += " hundred" if hour > 12 else " o'clock"
    return f"{spoken} {meridiem}" if meridiem else spoken


def _meridiem_time(match: re.Match[str]) -> str:
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return match[0]
    # Spaced capitals: Piper says "P M" as letters; "p.m." would end a sentence.
    return _clock(hour, minute, meridiem=f"{match['ap'].upper()} M")


def _clock_time(match: re.Match[str]) -> str:
    hour, minute = int(match["hour"]), int(match["minute"])
    return _clock(hour, minute) if hour <= 24 and minute <= 59 else match[0]


_CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
}
_CURRENCY_PREFIXES = {
    "US": "U S",
    "A": "Australian",
    "C": "Canadian",
    "NZ": "New Zealand",
    "HK": "Hong Kong",
}
_SCALES = {"k": "thousand", "m": "million", "b": "billion", "bn": "billion", "tn": "trillion"}


def _money(match: re.Match[str]) -> str:
    one, many, sub_one, sub_many = _CURRENCIES[match["symbol"]]
    if match["prefix"]:
        adjective = _CURRENCY_PREFIXES[match["prefix"]]
        one, many = f"{adjective} {one}", f"{adjective} {many}"
    whole, fraction = match["whole"], match["fraction"]
    scale = match["scale"] or _SCALES.get((match["short"] or "").lower())
    if scale:  # "$4.2 million" -> "four point two million dollars"
        return f"{_decimal(whole, fraction)} {scale} {many}"
    amount = int(whole.replace(",", ""))
    if fraction is None or len(fraction) != 2:  # "$24", "$3.5"
        return f"{_decimal(whole, fraction)} {one if amount == 1 and not fraction else many}"
    cents = int(fraction)
    parts = [] if amount == 0 and cents else [f"{_cardinal(amount)} {one if amount == 1 else many}"]
    if cents:
        parts.append(f"{_cardinal(cents)} {sub_one if cents == 1 else sub_many}")
    return " and ".join(parts)


def _percent(match: re.Match[str]) -> str:
    sign = "minus " if match["sign"] else ""
    return f"{sign}{_decimal(match['whole'], match['fraction'])} percent"


def _date(match: re.Match[str]) -> str:
    day = int(match["day"])
    return f"{match['month']} {_ordinal(day)}" if 1 <= day <= 31 else match[0]


def _ordinal_number(match: re.Match[str]) -> str:
    return _ordinal(int(match["number"].replace(",", "")))


def _decade(match: re.Match[str]) -> str:
    return _plural(_cardinal(int(match["decade"])))


def _year_words(match: re.Match[str]) -> str:
    words = _year(int(match["year"]))
    suffix = match["suffix"] or ""
    return _plural(words) if suffix == "s" else words + suffix


def _number(match: re.Match[str]) -> str:
    sign = "minus " if match["sign"] else ""
    return sign + _decimal(match["whole"], match["fraction"])


_ROMAN_NUMERAL = re.compile(r"X{0,3}(?:IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman_value(numeral: str) -> int:
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if v < nxt else v for v, nxt in zip(values, values[1:] + [0], strict=True))


def _roman(match: re.Match[str]) -> str:
    if not _ROMAN_NUMERAL.fullmatch(match["numeral"]):  # "VX", "IIII": not a numeral
        return match[0]
    value = _roman_value(match["numeral"])
    if match["word"] in _CARDINAL_ROMAN_CONTEXT:  # "World War II", "Title IX"
        return f"{match['word']} {_cardinal(value)}"
    if len(match["numeral"]) > 1:  # "Elizabeth II"; a lone "I" or "X" is too ambiguous
        return f"{match['word']} the {_ordinal(value)}"
    return match[0]


def _capitals(match: re.Match[str]) -> str:
    word = match["word"]
    if word in ACRONYMS_READ_AS_WORDS or word in CAPITALISED_WORDS:
        return match[0]
    return _spelled(word) + (match["suffix"] or "")


# --- The normalisation steps, in order -------------------------------------------------------

_NUM = r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?"
_NUMBER_END = r"(?!\w|[.,]\d)"  # not glued to letters, not the front of a longer number
_MONTH_NAMES = "|".join(_MONTHS)

_STEPS: list[tuple[re.Pattern[str], str | Replacer]] = [
    # Dashes: ranges between numbers are read "to"; elsewhere a dash is a pause.
    (re.compile(r"(?<=\d)\s*[–—]\s*(?=[\d$€£])"), " to "),
    (re.compile(r"(?<![\w.,])(1[1-9]\d\d|20\d\d)-(\d\d(?:\d\d)?)(?!\w)"), r"\1 to \2"),
    (re.compile(r"\s*(?:—|–|--)\s*|\s+-\s+"), ", "),
    # Abbreviations, before anything that reads full stops.
    (re.compile(r"(?<!\w)(?:e\.g\.|i\.e\.|etc\.|vs\.?|approx\.)(?!\w)", re.I), _keep_stop(_latin)),
    (re.compile(r"\bv\.(?=\s+[A-Z])"), "versus"),
    (re.compile(rf"\b(?P<abbr>{'|'.join(_TITLES)})\."), _keep_stop(_title)),
    (re.compile(rf"\b(?P<abbr>{'|'.join(_DOTLESS_TITLES)})(?=\s+[A-Z])"), _title),
    (re.compile(r"\bSt\."), _keep_stop(_saint_or_street)),
    (re.compile(r"\bDr\."), _keep_stop(_doctor_or_drive)),
    (re.compile(r"\bNo\.(?=\s*[\d#])"), _number_sign),
    (
        re.compile(rf"\b(?P<abbr>{'|'.join(_NAME_SUFFIXES)})\."),
        _keep_stop(lambda m: _NAME_SUFFIXES[m["abbr"]]),
    ),
    (
        re.compile(rf"\b(?P<abbr>{'|'.join(_MONTH_ABBREVIATIONS)})(?:\.|(?=\s+\d))"),
        _keep_stop(lambda m: _MONTH_ABBREVIATIONS[m["abbr"]]),
    ),
    # Symbols.
    (re.compile(r"#(?=\d)"), "number "),
    (re.compile(r"\b([A-Z]{1,3})&([A-Z]{1,3})\b"), _ampersand_initials),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s?°\s?F\b"), " degrees Fahrenheit"),
    (re.compile(r"\s?°\s?C\b"), " degrees Celsius"),
    (re.compile(r"\s?°"), " degrees"),
    # Times, before initialisms turn "p.m." into letters and numbers turn "7" into "seven".
    (
        re.compile(r"\b(?P<hour>\d{1,2})(?:[:.](?P<minute>\d\d))?\s?(?P<ap>[AaPp])\.?\s?[Mm]\b\.?"),
        _keep_stop(_meridiem_time),
    ),
    (re.compile(r"(?<![\w.,:])(?P<hour>\d{1,2}):(?P<minute>\d\d)(?![\w:]|[.,]\d)"), _clock_time),
    # Initialisms: "U.S." -> "U S"; the stop after an initial ("J. R. Smith") is dropped.
    (
        re.compile(r"(?<!\w)(?:[A-Za-z]\.){2,}(?!\w)"),
        _keep_stop(lambda m: _spelled(m[0].replace(".", ""))),
    ),
    (re.compile(r"\b([A-Z])\.(?=\s+[A-Z])"), r"\1"),
    # Money and percentages, before plain numbers claim their digits.
    (
        re.compile(
            rf"(?<![\w$€£])(?P<prefix>US|NZ|HK|A|C)?(?P<symbol>[$€£])\s?{_NUM}"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion)\b|(?P<short>bn|tn|[kKmMbB])\b)?"
        ),
        _money,
    ),
    (re.compile(rf"(?<![\w.,])(?P<sign>[-−])?{_NUM}\s?%"), _percent),
    (re.compile(r"%"), " percent"),
    # Dates, ordinals and years.
    (
        re.compile(
            rf"\b(?P<month>{_MONTH_NAMES})\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_NUMBER_END}"
        ),
        _date,
    ),
    (
        re.compile(r"(?<![\w.,])(?P<number>\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b", re.I),
        _ordinal_number,
    ),
    (re.compile(r"['’](?P<decade>\d0)s\b"), _decade),
    (re.compile(r"(?<![\w.,'’])(?P<decade>[1-9]0)s\b"), _decade),
    (
        re.compile(r"(?<![\w.,$€£])(?P<year>1[1-9]\d\d|20\d\d)(?P<suffix>s|['’]s)?" + _NUMBER_END),
        _year_words,
    ),
    # Everything else numeric: "1,200", "3.5", "-4".
    (re.compile(rf"(?<![\w.,])(?P<sign>[-−](?=\d))?{_NUM}{_NUMBER_END}"), _number),
    # Capitals: Roman numerals in context, then spelled-out initialisms.
    (re.compile(r"\b(?P<word>[A-Z][a-z]+) (?P<numeral>[IVX]+)\b"), _roman),
    (re.compile(r"\b(?P<word>[A-Z]{2,5})(?P<suffix>s|['’]s)?\b"), _capitals),
]

# Tidying after the steps: stray spaces and doubled punctuation left by the dash rules.
_TIDY: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\s+"), " "),
    (re.compile(r"\s+([,.;:!?])"), r"\1"),
    (re.compile(r",(?:\s*,)+"), ","),
    (re.compile(r",\s*([.;:!?])"), r"\1"),
    (re.compile(r"^[,;:]\s*|\s*,$"), ""),
]


def normalise(text: str) -> str:
    """Rewrite text as words to be spoken in US English; idempotent."""
    pieces: list[str] = []
    position = 0
    # Sentence by sentence, so an abbreviation that ends a sentence can keep its full stop.
    for start, end in _sentence_spans(text):
        pieces += [text[position:start], _normalise_sentence(text[start:end])]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _normalise_sentence(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    for pattern, replacement in _STEPS:
        sentence = pattern.sub(replacement, sentence)
    for pattern, replacement in _TIDY:
        sentence = pattern.sub(replacement, sentence).strip()
    return sentence


# --- Chunking ---------------------------------------------------------------------------------

_CONJUNCTIONS = frozenset(["and", "but", "which"])
_MIN_CHUNK_WORDS = 3  # a cut leaving fewer words on a side sounds clipped; prefer the next rule


def _ends_with(word: str, marks: str) -> bool:
    return word.rstrip(_CLOSING)[-1:] in marks


# Boundary rules in order of preference; each says whether to cut before words[i].
_CUT_RULES: list[Callable[[list[str], int], bool]] = [
    lambda words, i: _ends_with(words[i - 1], ";:"),
    lambda words, i: _ends_with(words[i - 1], ","),
    lambda words, i: words[i].lower() in _CONJUNCTIONS,
]


def chunk_sentence(sentence: str, *, max_words: int = 35) -> list[str]:
    """Split a sentence into chunks of at most ``max_words`` words at natural boundaries."""
    if max_words < 1:
        raise ValueError("max_words must be at least 1")
    return [" ".join(words) for words in _split_words(sentence.split(), max_words)]


def _split_words(words: list[str], max_words: int) -> list[list[str]]:
    if len(words) <= max_words:
        return [words] if words else []
    cut = _best_cut(words)
    if cut is None:
        return _hard_split(words, max_words)
    return _split_words(words[:cut], max_words) + _split_words(words[cut:], max_words)


def _best_cut(words: list[str]) -> int | None:
    candidates = range(_MIN_CHUNK_WORDS, len(words) - _MIN_CHUNK_WORDS + 1)
    for rule in _CUT_RULES:
        cuts = [i for i in candidates if rule(words, i)]
        if cuts:  # the cut nearest the middle gives the most even halves
            return min(cuts, key=lambda i: abs(len(words) - 2 * i))
    return None


def _hard_split(words: list[str], max_words: int) -> list[list[str]]:
    # Equal-sized pieces rather than full ones plus a stub.
    size = math.ceil(len(words) / math.ceil(len(words) / max_words))
    return [words[i : i + size] for i in range(0, len(words), size)]


# --- Lexicon, pipeline, hash -------------------------------------------------------------------


def apply_lexicon(text: str, entries: Iterable[tuple[str, str]]) -> str:
    """Replace editors' words and phrases (whole words, any case), longest first, in one pass."""
    matcher = _lexicon_matcher(tuple((str(w), str(s)) for w, s in entries))
    if matcher is None:
        return text
    pattern, spoken = matcher
    # One re.sub pass: replaced text is never scanned again, so nothing is re-replaced.
    return pattern.sub(lambda m: spoken.get(_lexicon_key(m[0]), m[0]), text)


def _lexicon_key(phrase: str) -> str:
    return " ".join(phrase.split()).casefold()


# Keyed by the whole lexicon; only a few versions are kept, so a long-lived worker does not
# hold one compiled pattern per lexicon edit.
@functools.lru_cache(maxsize=4)
def _lexicon_matcher(
    entries: tuple[tuple[str, str], ...],
) -> tuple[re.Pattern[str], dict[str, str]] | None:
    spoken = {_lexicon_key(w): s for w, s in entries if w.strip()}  # later entries win
    if not spoken:
        return None
    # Longest first, so at any position "Tarn Valley" wins over "Tarn".
    terms = sorted(spoken, key=len, reverse=True)
    alternatives = "|".join(r"\s+".join(map(re.escape, t.split(" "))) for t in terms)
    # \w is Unicode-aware for str patterns: "Łódź" does not match inside "Łódźka".
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), spoken


def prepare_paragraph(
    text: str, *, max_words: int = 35, lexicon: Iterable[tuple[str, str]] = ()
) -> list[str]:
    """Run the whole pipeline on one paragraph and return the chunks to synthesise."""
    entries = list(lexicon)
    chunks: list[str] = []
    for sentence in split_sentences(text):
        spoken = normalise(apply_lexicon(sentence, entries))
        chunks += chunk_sentence(spoken, max_words=max_words)
    return chunks


def spoken_hash(chunks: list[str]) -> str:
    """Fingerprint of exactly what is spoken, so an unchanged article is not re-narrated."""
    return hashlib.sha256("\n".join(chunks).encode("utf-8")).hexdigest()
