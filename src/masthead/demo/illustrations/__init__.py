"""Original illustrations for the demo newsroom, drawn locally with Pillow (never
downloaded).

Each scene draws one picture and says two different things about it: the alt text
describes what is drawn ("Illustration: a red bus with lit windows ..."), the caption
what and where it stands for in the newsroom's world ("A late route through Northgate").
Deterministic: the same scene and seed always draw the same picture.

Which scene a story gets follows its topics, with a cap per section (`plan_heroes`), so
that a section page does not show the same kind of picture on card after card.
"""

import random
import zlib
from collections import Counter
from collections.abc import Callable, Iterable

from PIL import Image, ImageDraw

from . import landscapes, objects, streets
from .canvas import Drawing, jpeg, shade

Scene = Callable[[random.Random, str], Drawing]
SCENES: dict[str, Scene] = {
    scene.__name__: scene
    for scene in (
        landscapes.skyline, landscapes.harbour, landscapes.hills, landscapes.cranes,
        landscapes.turbines, landscapes.heat, landscapes.rain, streets.houses, streets.civic,
        streets.bus, streets.market, streets.crowd, objects.chart, objects.stage,
        objects.circles, objects.bands, objects.monitor, objects.books, objects.circuit,
        objects.mast,
    )
}  # fmt: skip
TOPIC_SCENES: dict[str, list[str]] = {
    "Waterfront": ["harbour", "cranes"], "Trade": ["cranes", "chart"],
    "Economy": ["chart", "skyline"], "Housing": ["houses", "skyline"], "City Hall": ["civic"],
    "Courts": ["civic"], "Elections": ["crowd", "civic"], "Transit": ["bus"],
    "Labour": ["crowd"], "Health": ["monitor"], "Schools": ["books"], "Books": ["books"],
    "Environment": ["hills", "turbines"], "Climate": ["rain", "hills"],
    "Weather": ["rain"], "Energy": ["turbines"], "Technology": ["circuit"],
    "Media": ["mast"], "Music": ["stage", "mast"], "Arts": ["stage"],
    "Food": ["market"], "Small Business": ["market", "houses"],
}  # fmt: skip
# Words in a headline that call for one scene before the topics' own (and even if the
# story before it has that scene): a heat advisory is not illustrated with rain.
WORD_SCENES = {"heat": "heat", "drought": "heat", "flood": "rain", "storm": "rain",
               "symphony": "stage", "orchestra": "stage", "ferry": "harbour",
               "library": "books"}  # fmt: skip
# Tried first in opinion (columns are illustrated by ideas), last elsewhere.
ABSTRACT = ["circles", "bands"]
SECTION_SCENES: dict[str, list[str]] = {
    "news": ["skyline", "harbour", "houses", "civic"],
    "world": ["hills", "skyline", "harbour", "crowd"],
    "business": ["chart", "cranes", "skyline", "market"],
    "opinion": ABSTRACT,
    "culture": ["stage", "books", "mast", "circles"],
}
PLACES = ["Old Quay", "Northgate", "Marrow Flats", "Fenwick Hill", "Ashgrove", "Harbourside",
          "Varne", "Vessaly", "Sunder Isles", "Arvenne", "Orsk", "Lusk Strait", "Tolmarch",
          "Tarn"]  # fmt: skip
HOME_PLACE = "Calder Bay"
CREDIT = "Illustration: Masthead demo"


def seed_for(text: str) -> int:
    return zlib.crc32(text.encode())


def place_in(text: str) -> str:
    """The first place of the demo's world named in `text` (else the home city)."""
    found = [(text.find(p), p) for p in PLACES if p in text]
    return min(found)[1] if found else HOME_PLACE


def draw(scene: str, seed_text: str, where: str = HOME_PLACE) -> Drawing:
    return SCENES[scene](random.Random(seed_for(seed_text)), where)


def picture(scene: str, seed_text: str, where: str = HOME_PLACE) -> tuple[bytes, str, str]:
    """JPEG bytes, alt text and caption of one scene."""
    drawing = draw(scene, seed_text, where)
    return jpeg(drawing.image), drawing.alt, f"{drawing.caption}."


def illustration(seed_text: str, section: str) -> tuple[bytes, str, str]:
    """A picture for a synthetic article of `section` (seed_articles): bytes, alt text
    and caption."""
    rng = random.Random(seed_for(seed_text))
    return picture(rng.choice(SECTION_SCENES.get(section, ABSTRACT)), seed_text)


def words_in(headline: str) -> set[str]:
    return set(headline.lower().replace(",", " ").replace(".", " ").split())


def candidates(section: str, tags: Iterable[str]) -> list[str]:
    topical = [scene for tag in tags for scene in TOPIC_SCENES.get(tag, [])]
    first = ABSTRACT + topical if section == "opinion" else topical
    return list(dict.fromkeys([*first, *SECTION_SCENES.get(section, []), *SCENES]))


def plan_heroes(rows: list[dict], *, share: float = 0.25) -> dict[str, str]:
    """{slug: scene} for the hero images: each story gets the first scene its topics
    suggest of which its section has fewer than `share` of its stories (at least one),
    and not the one of the story before it, in the section page's order (newest first)."""
    by_section: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda r: r["hours_ago"]):
        by_section.setdefault(row["section"], []).append(row)
    plan = {}
    for section, section_rows in by_section.items():
        cap, used, previous = max(1, int(len(section_rows) * share)), Counter(), ""
        for row in section_rows:
            options = [s for s in candidates(section, row.get("tags", [])) if used[s] < cap]
            called = [WORD_SCENES[w] for w in words_in(row["title"]) if w in WORD_SCENES]
            # Not the scene of the card before it, when the story allows another.
            scene = next((s for s in called if used[s] < cap), None) or next(
                (s for s in options if s != previous), options[0]
            )
            used[scene] += 1
            plan[row["slug"]] = previous = scene
    return plan


def body_scene(row: dict, index: int, hero_scene: str) -> str:
    """A scene for the article's index-th body image, other than its hero's."""
    options = [s for s in candidates(row["section"], row.get("tags", [])) if s != hero_scene]
    topical = options[: max(1, len(row.get("tags", [])))]
    return topical[index % len(topical)]


def portrait(name: str) -> tuple[bytes, str]:
    rng = random.Random(seed_for(name))
    bg = rng.choice([(200, 215, 230), (230, 210, 190), (210, 225, 200), (225, 205, 220)])
    img = Image.new("RGB", (640, 640), bg)
    pen = ImageDraw.Draw(img)
    tone = rng.choice([(90, 60, 45), (160, 110, 80), (220, 180, 150), (120, 80, 60)])
    pen.ellipse([40, 380, 600, 900], fill=shade(bg, 0.55))
    pen.ellipse([200, 120, 440, 380], fill=tone)
    return jpeg(img), f"Illustrated placeholder portrait of {name}"
