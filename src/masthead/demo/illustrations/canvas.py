"""Drawing helpers shared by the demo's scenes: gradients, shades, palettes, JPEG."""

import io
import random
from typing import NamedTuple

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 900
Colour = tuple[int, int, int]

SKIES: dict[str, tuple[Colour, Colour]] = {
    "dawn": ((250, 196, 150), (120, 150, 200)),
    "midday": ((120, 180, 235), (215, 235, 250)),
    "dusk": ((60, 40, 100), (245, 140, 80)),
    "night": ((10, 20, 50), (40, 60, 110)),
    "overcast": ((150, 158, 168), (205, 208, 212)),
}
# Flat backgrounds for the object scenes: (name, background, ink colours).
PAPERS: list[tuple[str, Colour, list[Colour]]] = [
    ("red and cream", (245, 235, 215), [(170, 40, 40), (120, 25, 30), (230, 150, 120)]),
    ("blue and gold", (230, 232, 240), [(30, 60, 120), (210, 170, 60), (90, 120, 180)]),
    ("green and grey", (236, 238, 232), [(60, 110, 80), (120, 130, 125), (170, 200, 160)]),
    ("teal and coral", (226, 240, 238), [(20, 110, 115), (235, 110, 90), (250, 190, 150)]),
    ("ink and mustard", (40, 42, 54), [(225, 180, 60), (240, 236, 220), (120, 150, 170)]),
]


class Drawing(NamedTuple):
    """A finished scene: the picture, its alt text (what is drawn) and a caption (what
    and where it stands for, in the newsroom's world)."""

    image: Image.Image
    alt: str
    caption: str


def canvas(colour: Colour) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    img = Image.new("RGB", (WIDTH, HEIGHT), colour)
    return img, ImageDraw.Draw(img)


def gradient(top: Colour, bottom: Colour, size=(WIDTH, HEIGHT)) -> Image.Image:
    width, height = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return img


def sky(rng: random.Random, times: list[str] | None = None):
    """A sky gradient at a random time of day: (time, image, draw)."""
    time = rng.choice(times or list(SKIES))
    img = gradient(*SKIES[time])
    return time, img, ImageDraw.Draw(img)


def shade(colour: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def paper(rng: random.Random) -> tuple[str, Colour, list[Colour]]:
    return rng.choice(PAPERS)


def jpeg(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def count_word(n: int) -> str:
    words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    return words[n] if 0 <= n < len(words) else str(n)


TIMES_OF_DAY = {"dawn": "at dawn", "midday": "at midday", "dusk": "at dusk", "night": "at night",
                "overcast": "on an overcast day"}  # fmt: skip


def at(time: str) -> str:
    return TIMES_OF_DAY[time]


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"
