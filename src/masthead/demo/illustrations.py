"""Original illustrations for the demo newsroom, drawn locally with Pillow.

Each function returns JPEG bytes and the alt text that truthfully describes the
drawing. Deterministic: the same seed always draws the same picture.
"""

import io
import random
import zlib
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
Colour = tuple[int, int, int]

SKIES: dict[str, tuple[Colour, Colour]] = {
    "dawn": ((250, 196, 150), (120, 150, 200)),
    "midday": ((120, 180, 235), (215, 235, 250)),
    "dusk": ((60, 40, 100), (245, 140, 80)),
    "night": ((10, 20, 50), (40, 60, 110)),
}


def seed_for(text: str) -> int:
    return zlib.crc32(text.encode())


def _gradient(top: Colour, bottom: Colour, size=(WIDTH, HEIGHT)) -> Image.Image:
    width, height = size
    img = Image.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / max(height - 1, 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    return img


def _shade(colour: Colour, factor: float) -> Colour:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def _jpeg(img: Image.Image) -> bytes:
    buffer = io.BytesIO()
    img.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def skyline(rng: random.Random) -> tuple[Image.Image, str]:
    time = rng.choice(list(SKIES))
    img = _gradient(*SKIES[time])
    draw = ImageDraw.Draw(img)
    if time in ("dusk", "dawn"):
        r = rng.randint(70, 120)
        cx = rng.randint(300, 1300)
        draw.ellipse([cx - r, 520 - r, cx + r, 520 + r], fill=(255, 214, 140))
    lit = time == "night"
    for layer, base in enumerate(((70, 70, 95), (35, 35, 55))):
        x = -rng.randint(0, 80)
        while x < WIDTH:
            w, h = rng.randint(70, 170), rng.randint(180, 520 - layer * 80)
            top = HEIGHT - h - layer * 10
            draw.rectangle([x, top, x + w, HEIGHT], fill=base)
            if lit or layer == 1:
                for wy in range(top + 20, HEIGHT - 20, 34):
                    for wx in range(x + 12, x + w - 16, 26):
                        if rng.random() < (0.45 if lit else 0.15):
                            draw.rectangle([wx, wy, wx + 10, wy + 16], fill=(250, 220, 130))
            x += w + rng.randint(4, 30)
    return img, f"Illustration: a city skyline at {time} with tall buildings in silhouette"


def harbour(rng: random.Random) -> tuple[Image.Image, str]:
    time = rng.choice(list(SKIES))
    img = _gradient(*SKIES[time])
    draw = ImageDraw.Draw(img)
    sea_top = 560
    sea = _gradient(
        _shade(SKIES[time][1], 0.7), _shade(SKIES[time][0], 0.45), (WIDTH, HEIGHT - sea_top)
    )
    img.paste(sea, (0, sea_top))
    for y in range(sea_top + 20, HEIGHT, 28):
        for x in range(rng.randint(0, 60), WIDTH, rng.randint(90, 160)):
            draw.arc([x, y, x + 60, y + 14], 200, 340, fill=_shade(SKIES[time][1], 1.1), width=3)
    boats = rng.randint(2, 4)
    for _ in range(boats):
        bx, by = rng.randint(100, 1400), rng.randint(sea_top + 30, 780)
        draw.polygon(
            [(bx, by), (bx + 160, by), (bx + 130, by + 40), (bx + 25, by + 40)], fill=(90, 40, 30)
        )
        draw.line([(bx + 80, by), (bx + 80, by - 170)], fill=(50, 40, 40), width=6)
        draw.polygon(
            [(bx + 84, by - 165), (bx + 84, by - 10), (bx + 170, by - 10)], fill=(245, 240, 225)
        )
    draw.rectangle([0, sea_top - 30, 420, sea_top + 10], fill=(80, 65, 55))
    for px in range(20, 420, 60):
        draw.rectangle([px, sea_top + 10, px + 14, sea_top + 120], fill=(70, 55, 45))
    return img, f"Illustration: {boats} sailing boats on a harbour at {time}, beside a wooden pier"


def hills(rng: random.Random) -> tuple[Image.Image, str]:
    time = rng.choice(["dawn", "midday", "dusk"])
    img = _gradient(*SKIES[time])
    draw = ImageDraw.Draw(img)
    greens = [(110, 150, 90), (80, 125, 70), (55, 95, 55)]
    for i, green in enumerate(greens):
        base = 520 + i * 110
        points = [(0, HEIGHT)]
        for x in range(0, WIDTH + 100, 100):
            points.append((x, base + rng.randint(-70, 50)))
        points.append((WIDTH, HEIGHT))
        draw.polygon(points, fill=green)
    river = [(700, HEIGHT), (780, 760), (760, 680), (820, 610), (900, 600), (980, HEIGHT)]
    draw.polygon(river, fill=(120, 170, 210))
    return img.filter(
        ImageFilter.SMOOTH
    ), f"Illustration: green hills and a winding river at {time}"


def shapes(rng: random.Random) -> tuple[Image.Image, str]:
    palettes = {
        "red and cream": [(245, 235, 215), (170, 40, 40), (120, 25, 30), (230, 150, 120)],
        "blue and gold": [(230, 232, 240), (30, 60, 120), (210, 170, 60), (90, 120, 180)],
        "green and grey": [(236, 238, 232), (60, 110, 80), (120, 130, 125), (170, 200, 160)],
    }
    name = rng.choice(list(palettes))
    bg, *colours = palettes[name]
    img = Image.new("RGB", (WIDTH, HEIGHT), bg)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(6, 10)):
        r = rng.randint(80, 320)
        cx, cy = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
        draw.ellipse(
            [cx - r, cy - r, cx + r, cy + r], outline=rng.choice(colours), width=rng.randint(10, 40)
        )
    return img, f"Illustration: abstract overlapping circles in {name}"


def chart(rng: random.Random) -> tuple[Image.Image, str]:
    img = _gradient((20, 35, 70), (40, 70, 120))
    draw = ImageDraw.Draw(img)
    for y in range(150, HEIGHT, 120):
        draw.line([(100, y), (WIDTH - 100, y)], fill=(70, 95, 140), width=2)
    trend = rng.choice(["rising", "falling", "uneven"])
    bars, height = 12, 200
    for i in range(bars):
        step = {"rising": 40, "falling": -35, "uneven": rng.randint(-60, 60)}[trend]
        height = max(60, min(680, height + step + rng.randint(-25, 25)))
        x = 140 + i * 110
        draw.rectangle([x, HEIGHT - 100 - height, x + 70, HEIGHT - 100], fill=(230, 180, 70))
    return img, f"Illustration: a {trend} bar chart in gold on a dark blue background"


def stage(rng: random.Random) -> tuple[Image.Image, str]:
    img = Image.new("RGB", (WIDTH, HEIGHT), (25, 15, 20))
    draw = ImageDraw.Draw(img)
    curtain = rng.choice(
        [((140, 20, 35), "red"), ((30, 60, 120), "blue"), ((40, 100, 70), "green")]
    )
    for x in range(0, 360, 40):
        draw.rectangle([x, 0, x + 30, HEIGHT], fill=_shade(curtain[0], 0.8 + (x % 80) / 200))
        draw.rectangle(
            [WIDTH - x - 30, 0, WIDTH - x, HEIGHT], fill=_shade(curtain[0], 0.8 + (x % 80) / 200)
        )
    cx = rng.randint(600, 1000)
    draw.polygon([(cx - 40, 0), (cx + 40, 0), (cx + 260, 760), (cx - 260, 760)], fill=(90, 80, 60))
    draw.ellipse([cx - 270, 720, cx + 270, 800], fill=(200, 180, 130))
    draw.rectangle([0, 780, WIDTH, HEIGHT], fill=(70, 45, 30))
    return img, f"Illustration: an empty stage under a spotlight, framed by {curtain[1]} curtains"


SCENES_BY_SECTION: dict[str, list[Callable]] = {
    "news": [skyline, harbour, hills],
    "world": [hills, harbour, skyline],
    "business": [chart, skyline],
    "opinion": [shapes],
    "culture": [stage, shapes],
}


def illustration(seed_text: str, section: str) -> tuple[bytes, str]:
    rng = random.Random(seed_for(seed_text))
    scene = rng.choice(SCENES_BY_SECTION.get(section, [shapes]))
    img, alt = scene(rng)
    return _jpeg(img), alt


def portrait(name: str) -> tuple[bytes, str]:
    rng = random.Random(seed_for(name))
    bg = rng.choice([(200, 215, 230), (230, 210, 190), (210, 225, 200), (225, 205, 220)])
    img = Image.new("RGB", (640, 640), bg)
    draw = ImageDraw.Draw(img)
    tone = rng.choice([(90, 60, 45), (160, 110, 80), (220, 180, 150), (120, 80, 60)])
    draw.ellipse([40, 380, 600, 900], fill=_shade(bg, 0.55))
    draw.ellipse([200, 120, 440, 380], fill=tone)
    return _jpeg(img), f"Illustrated placeholder portrait of {name}"
