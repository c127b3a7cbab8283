"""Still lifes and diagrams: charts, a stage, books, a heart monitor, a circuit board, a
radio mast, and two abstract compositions for opinion pieces."""

import random

from PIL import ImageDraw

from .canvas import HEIGHT, WIDTH, Drawing, article, canvas, count_word, gradient, paper, shade


def chart(rng: random.Random, where: str) -> Drawing:
    name, bg, inks = paper(rng)
    img, draw = canvas(bg)
    grid = shade(bg, 0.85) if sum(bg) > 380 else shade(bg, 1.6)
    for y in range(150, HEIGHT, 120):
        draw.line([(100, y), (WIDTH - 100, y)], fill=grid, width=2)
    trend = rng.choice(["rising", "falling", "uneven"])
    kind = rng.choice(["bar", "line"])
    height, points = 200 if trend != "falling" else 600, []
    for i in range(12):
        step = {"rising": 40, "falling": -35, "uneven": rng.randint(-60, 60)}[trend]
        height = max(60, min(680, height + step + rng.randint(-25, 25)))
        x = 140 + i * 110
        points.append((x + 35, HEIGHT - 100 - height))
        if kind == "bar":
            draw.rectangle([x, HEIGHT - 100 - height, x + 70, HEIGHT - 100], fill=inks[0])
    if kind == "line":
        draw.line(points, fill=inks[0], width=10, joint="curve")
        for px, py in points:
            draw.ellipse([px - 14, py - 14, px + 14, py + 14], fill=inks[1])
    return Drawing(
        img,
        f"Illustration: {article(trend)} {trend} {kind} chart in {name}",
        f"The numbers behind the story, {where}",
    )


def stage(rng: random.Random, where: str) -> Drawing:
    img, draw = canvas((25, 15, 20))
    curtain = rng.choice(
        [((140, 20, 35), "red"), ((30, 60, 120), "blue"), ((40, 100, 70), "green")]
    )
    for x in range(0, 360, 40):
        fill = shade(curtain[0], 0.8 + (x % 80) / 200)
        draw.rectangle([x, 0, x + 30, HEIGHT], fill=fill)
        draw.rectangle([WIDTH - x - 30, 0, WIDTH - x, HEIGHT], fill=fill)
    cx = rng.randint(600, 1000)
    draw.polygon([(cx - 40, 0), (cx + 40, 0), (cx + 260, 760), (cx - 260, 760)], fill=(90, 80, 60))
    draw.ellipse([cx - 270, 720, cx + 270, 800], fill=(200, 180, 130))
    draw.rectangle([0, 780, WIDTH, HEIGHT], fill=(70, 45, 30))
    performer = rng.random() < 0.5
    if performer:
        draw.ellipse([cx - 30, 520, cx + 30, 580], fill=(20, 15, 20))
        draw.polygon(
            [(cx - 50, 590), (cx + 50, 590), (cx + 70, 760), (cx - 70, 760)], fill=(20, 15, 20)
        )
    who = "a lone performer" if performer else "an empty stage"
    return Drawing(
        img,
        f"Illustration: {who} under a spotlight, framed by {curtain[1]} curtains",
        f"On stage in {where}",
    )


def circles(rng: random.Random, where: str) -> Drawing:
    name, bg, inks = paper(rng)
    img, draw = canvas(bg)
    for _ in range(rng.randint(6, 10)):
        r = rng.randint(80, 320)
        cx, cy = rng.randint(0, WIDTH), rng.randint(0, HEIGHT)
        draw.ellipse(
            [cx - r, cy - r, cx + r, cy + r], outline=rng.choice(inks), width=rng.randint(10, 40)
        )
    return Drawing(
        img,
        f"Illustration: abstract overlapping rings in {name}",
        "An argument in circles: our columnist's view",
    )


def bands(rng: random.Random, where: str) -> Drawing:
    name, bg, inks = paper(rng)
    img, draw = canvas(bg)
    slope = rng.choice([-1, 1])
    x = -HEIGHT
    while x < WIDTH + HEIGHT:
        w = rng.randint(60, 220)
        if rng.random() < 0.6:
            top = [(x, 0), (x + w, 0)]
            bottom = [(x + w + slope * HEIGHT, HEIGHT), (x + slope * HEIGHT, HEIGHT)]
            draw.polygon(top + bottom, fill=rng.choice(inks))
        x += w + rng.randint(20, 120)
    r = rng.randint(120, 200)
    cx, cy = rng.randint(300, 1300), rng.randint(250, 650)
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=bg, outline=inks[0], width=16)
    return Drawing(
        img,
        f"Illustration: bold diagonal bands in {name} behind a single circle",
        "Two sides of the question",
    )


def monitor(rng: random.Random, where: str) -> Drawing:
    img = gradient((15, 30, 35), (25, 55, 60))
    draw = ImageDraw.Draw(img)
    for x in range(0, WIDTH, 80):
        draw.line([(x, 0), (x, HEIGHT)], fill=(30, 70, 70), width=1)
    for y in range(0, HEIGHT, 80):
        draw.line([(0, y), (WIDTH, y)], fill=(30, 70, 70), width=1)
    colour = rng.choice([((90, 240, 140), "green"), ((250, 200, 80), "amber")])
    points, x, base = [], 0, rng.randint(380, 520)
    while x < WIDTH:
        points += [
            (x, base),
            (x + 120, base),
            (x + 140, base - 40),
            (x + 160, base + 30),
            (x + 180, base - 260),
            (x + 200, base + 120),
            (x + 225, base),
            (x + 320, base),
        ]
        x += rng.randint(340, 420)
    draw.line(points, fill=colour[0], width=8)
    return Drawing(
        img,
        f"Illustration: {article(colour[1])} {colour[1]} heartbeat trace on a dark monitor grid",
        f"Hospital care in {where}",
    )


def books(rng: random.Random, where: str) -> Drawing:
    wood = rng.choice([(120, 80, 50), (160, 120, 80), (70, 60, 55)])
    img, draw = canvas(shade(wood, 0.6))
    spines = [
        (160, 40, 40),
        (40, 80, 140),
        (230, 190, 80),
        (60, 120, 80),
        (240, 235, 220),
        (120, 60, 120),
        (210, 110, 50),
        (30, 30, 40),
    ]
    shelves = rng.choice([2, 3])
    height = HEIGHT // shelves
    for shelf in range(shelves):
        floor = (shelf + 1) * height - 30
        draw.rectangle([0, floor, WIDTH, floor + 30], fill=wood)
        x = rng.randint(0, 40)
        while x < WIDTH - 40:
            w, h = rng.randint(30, 70), rng.randint(height - 120, height - 50)
            if rng.random() < 0.08:
                x += rng.randint(40, 120)  # a gap where a book is out on loan
                continue
            draw.rectangle([x, floor - h, x + w, floor], fill=rng.choice(spines))
            draw.line(
                [(x + 6, floor - h + 30), (x + w - 6, floor - h + 30)],
                fill=(230, 210, 150),
                width=3,
            )
            x += w + 2
    return Drawing(
        img,
        f"Illustration: {count_word(shelves)} wooden shelves packed with books in many colours",
        f"The shelves of a library in {where}",
    )


def circuit(rng: random.Random, where: str) -> Drawing:
    board = rng.choice([((20, 80, 50), "green"), ((20, 40, 90), "blue"), ((40, 30, 60), "purple")])
    img, draw = canvas(board[0])
    copper = (210, 170, 90)
    for _ in range(40):
        x, y = rng.randrange(0, WIDTH, 40), rng.randrange(0, HEIGHT, 40)
        points = [(x, y)]
        for _ in range(rng.randint(2, 4)):
            if rng.random() < 0.5:
                x += rng.choice([-1, 1]) * rng.randrange(80, 320, 40)
            else:
                y += rng.choice([-1, 1]) * rng.randrange(80, 240, 40)
            points.append((x, y))
        draw.line(points, fill=copper, width=6)
        draw.ellipse([x - 12, y - 12, x + 12, y + 12], fill=copper)
    chips = rng.randint(2, 4)
    for _ in range(chips):
        cx, cy = rng.randint(200, WIDTH - 400), rng.randint(150, HEIGHT - 350)
        draw.rectangle([cx, cy, cx + 220, cy + 180], fill=(25, 25, 30))
        for pin in range(cy + 20, cy + 170, 30):
            draw.rectangle([cx - 20, pin, cx, pin + 10], fill=(200, 200, 200))
            draw.rectangle([cx + 220, pin, cx + 240, pin + 10], fill=(200, 200, 200))
    return Drawing(
        img,
        f"Illustration: copper tracks and {count_word(chips)} black chips on a "
        f"{board[1]} circuit board",
        f"Technology made in {where}",
    )


def mast(rng: random.Random, where: str) -> Drawing:
    night = rng.random() < 0.5
    img = (
        gradient((15, 25, 60), (60, 70, 120))
        if night
        else gradient((120, 180, 235), (230, 240, 250))
    )
    draw = ImageDraw.Draw(img)
    cx, top = rng.randint(500, 1100), 140
    colour = (200, 60, 50)
    draw.polygon(
        [(cx - 120, HEIGHT), (cx + 120, HEIGHT), (cx + 8, top), (cx - 8, top)],
        outline=colour,
        width=6,
    )
    for y in range(top + 60, HEIGHT, 70):
        half = 8 + (y - top) * 112 // (HEIGHT - top)
        draw.line([(cx - half, y), (cx + half, y + 35)], fill=colour, width=4)
        draw.line([(cx + half, y), (cx - half, y + 35)], fill=colour, width=4)
    draw.ellipse([cx - 14, top - 14, cx + 14, top + 14], fill=(255, 80, 60))
    wave = (250, 230, 140) if night else (40, 90, 160)
    for r in (90, 160, 230, 300):
        draw.arc([cx - r, top - r, cx + r, top + r], 200, 340, fill=wave, width=8)
    when = "a night sky" if night else "a clear blue sky"
    return Drawing(
        img,
        f"Illustration: a red lattice radio mast sending out signal waves against {when}",
        f"On the air from {where}",
    )
