"""Outdoor scenes: skylines, water, hills, cranes, wind turbines, heat and rain."""

import math
import random

from PIL import ImageDraw, ImageFilter

from .canvas import HEIGHT, SKIES, WIDTH, Drawing, at, count_word, gradient, shade, sky


def skyline(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng)
    if time in ("dusk", "dawn"):
        r, cx = rng.randint(70, 120), rng.randint(300, 1300)
        draw.ellipse([cx - r, 520 - r, cx + r, 520 + r], fill=(255, 214, 140))
    lit = time in ("night", "dusk")
    for layer, base in enumerate(((70, 70, 95), (35, 35, 55))):
        x = -rng.randint(0, 80)
        while x < WIDTH:
            w, h = rng.randint(70, 170), rng.randint(180, 520 - layer * 80)
            top = HEIGHT - h - layer * 10
            draw.rectangle([x, top, x + w, HEIGHT], fill=base)
            for wy in range(top + 20, HEIGHT - 20, 34):
                for wx in range(x + 12, x + w - 16, 26):
                    if layer == 1 and rng.random() < (0.45 if lit else 0.12):
                        draw.rectangle([wx, wy, wx + 10, wy + 16], fill=(250, 220, 130))
            x += w + rng.randint(4, 30)
    return Drawing(
        img,
        f"Illustration: a city skyline {at(time)}, tall buildings in silhouette"
        f"{' with lit windows' if lit else ''}",
        f"{where} from across the water",
    )


def harbour(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng)
    sea_top = 560
    top, bottom = SKIES[time]
    img.paste(
        gradient(shade(bottom, 0.7), shade(top, 0.45), (WIDTH, HEIGHT - sea_top)), (0, sea_top)
    )
    for y in range(sea_top + 20, HEIGHT, 28):
        for x in range(rng.randint(0, 60), WIDTH, rng.randint(90, 160)):
            draw.arc([x, y, x + 60, y + 14], 200, 340, fill=shade(bottom, 1.1), width=3)
    boats = rng.randint(2, 4)
    sail = rng.choice([(245, 240, 225), (235, 120, 70), (240, 200, 80)])
    for _ in range(boats):
        bx, by = rng.randint(500, 1400), rng.randint(sea_top + 30, 780)
        draw.polygon(
            [(bx, by), (bx + 160, by), (bx + 130, by + 40), (bx + 25, by + 40)], fill=(90, 40, 30)
        )
        draw.line([(bx + 80, by), (bx + 80, by - 170)], fill=(50, 40, 40), width=6)
        draw.polygon([(bx + 84, by - 165), (bx + 84, by - 10), (bx + 170, by - 10)], fill=sail)
    draw.rectangle([0, sea_top - 30, 420, sea_top + 10], fill=(80, 65, 55))
    for px in range(20, 420, 60):
        draw.rectangle([px, sea_top + 10, px + 14, sea_top + 120], fill=(70, 55, 45))
    return Drawing(
        img,
        f"Illustration: {count_word(boats)} sailing boats on a harbour {at(time)}, "
        "beside a wooden pier",
        f"Moorings off {where}",
    )


def hills(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["dawn", "midday", "dusk", "overcast"])
    autumn = rng.random() < 0.4
    greens = (
        [(190, 140, 70), (160, 100, 50), (110, 70, 40)]
        if autumn
        else [(110, 150, 90), (80, 125, 70), (55, 95, 55)]
    )
    for i, green in enumerate(greens):
        base = 520 + i * 110
        points = [(0, HEIGHT)]
        points += [(x, base + rng.randint(-70, 50)) for x in range(0, WIDTH + 100, 100)]
        draw.polygon([*points, (WIDTH, HEIGHT)], fill=green)
    bend = rng.randint(-200, 200)
    river = [
        (700 + bend, HEIGHT),
        (780 + bend, 760),
        (760, 680),
        (820, 610),
        (900, 600),
        (980 + bend, HEIGHT),
    ]
    draw.polygon(river, fill=(120, 170, 210))
    colours = "brown autumn" if autumn else "green"
    return Drawing(
        img.filter(ImageFilter.SMOOTH),
        f"Illustration: {colours} hills and a winding river {at(time)}",
        f"The valley above {where}",
    )


def cranes(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["dawn", "midday", "overcast", "dusk"])
    quay = 700
    draw.rectangle([0, quay, WIDTH, HEIGHT], fill=(70, 80, 95))
    colours = [(200, 60, 50), (40, 110, 170), (230, 170, 40), (60, 140, 90), (150, 150, 150)]
    for x in range(40, WIDTH - 80, 130):
        for level in range(rng.randint(0, 4)):
            y = quay - 60 * (level + 1)
            draw.rectangle([x, y, x + 120, y + 56], fill=rng.choice(colours))
            for rib in range(x + 12, x + 110, 16):
                draw.line([(rib, y + 6), (rib, y + 50)], fill=(0, 0, 0), width=1)
    count = rng.randint(2, 3)
    body = rng.choice([((220, 90, 40), "orange"), ((60, 120, 190), "blue")])
    for n in range(count):
        cx = 250 + n * (1100 // count) + rng.randint(-40, 40)
        draw.rectangle([cx, 180, cx + 24, quay], fill=body[0])
        draw.rectangle([cx + 150, 180, cx + 174, quay], fill=body[0])
        draw.rectangle([cx - 260, 160, cx + 420, 190], fill=body[0])
        draw.line([(cx + 87, 60), (cx - 250, 165)], fill=body[0], width=6)
        draw.line([(cx + 87, 60), (cx + 410, 165)], fill=body[0], width=6)
        draw.line([(cx - 120, 190), (cx - 120, 380)], fill=(40, 40, 40), width=3)
    return Drawing(
        img,
        f"Illustration: {count_word(count)} {body[1]} container cranes over "
        f"stacked containers on a quay {at(time)}",
        f"The container terminal at {where}",
    )


def turbines(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["dawn", "midday", "overcast"])
    ground = rng.choice([(110, 150, 90), (170, 160, 100)])
    points = [(x, 640 + rng.randint(-40, 40)) for x in range(0, WIDTH + 100, 100)]
    draw.polygon([(0, HEIGHT), *points, (WIDTH, HEIGHT)], fill=ground)
    count = rng.randint(3, 5)
    for n in range(count):
        x = 160 + n * (1300 // count) + rng.randint(-30, 30)
        scale = rng.uniform(0.6, 1.0)
        top = int(640 - 460 * scale)
        draw.polygon([(x - 8, 660), (x + 8, 660), (x + 3, top), (x - 3, top)], fill=(245, 245, 245))
        angle = rng.uniform(0, 120)
        for blade in range(3):
            a = math.radians(angle + blade * 120)
            end = (x + math.cos(a) * 190 * scale, top + math.sin(a) * 190 * scale)
            draw.line([(x, top), end], fill=(250, 250, 250), width=max(4, int(12 * scale)))
        draw.ellipse([x - 10, top - 10, x + 10, top + 10], fill=(220, 220, 220))
    return Drawing(
        img,
        f"Illustration: {count_word(count)} white wind turbines on rolling ground {at(time)}",
        f"Wind turbines on the ridge near {where}",
    )


def heat(rng: random.Random, where: str) -> Drawing:
    img = gradient((250, 170, 70), (250, 230, 170))
    draw = ImageDraw.Draw(img)
    cx, cy = rng.randint(300, 1300), rng.randint(180, 320)
    for r, colour in ((260, (252, 200, 110)), (180, (255, 225, 120)), (120, (255, 245, 190))):
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    for y in range(620, HEIGHT, 40):
        draw.line(
            [(x, y + (12 if (x // 80) % 2 else 0)) for x in range(0, WIDTH + 80, 80)],
            fill=(235, 150, 80),
            width=5,
        )
    return Drawing(
        img,
        "Illustration: a blazing sun over shimmering heat haze, in orange and yellow",
        f"A hot afternoon in {where}",
    )


def rain(rng: random.Random, where: str) -> Drawing:
    img = gradient((90, 100, 115), (160, 170, 180))
    draw = ImageDraw.Draw(img)
    for _ in range(7):
        cx, cy, r = rng.randint(0, WIDTH), rng.randint(80, 260), rng.randint(120, 220)
        draw.ellipse([cx - r * 2, cy - r, cx + r * 2, cy + r], fill=(70, 78, 92))
    for _ in range(260):
        x, y = rng.randint(0, WIDTH), rng.randint(300, HEIGHT)
        draw.line([(x, y), (x - 12, y + 40)], fill=(190, 205, 225), width=3)
    umbrellas = rng.randint(1, 3)
    for n in range(umbrellas):
        ux = 300 + n * 450 + rng.randint(-60, 60)
        colour = rng.choice([(200, 40, 60), (240, 190, 40), (40, 120, 200)])
        draw.pieslice([ux - 110, 640, ux + 110, 800], 180, 360, fill=colour)
        draw.line([(ux, 720), (ux, 860)], fill=(30, 30, 30), width=6)
    return Drawing(
        img,
        f"Illustration: heavy rain from grey clouds over {count_word(umbrellas)} "
        "open umbrella" + ("s" if umbrellas > 1 else ""),
        f"A wet day in {where}",
    )
