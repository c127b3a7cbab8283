"""Town scenes: terraced houses, a civic building, a bus at night, a market, a crowd."""

import random

from .canvas import HEIGHT, WIDTH, Drawing, at, count_word, shade, sky

HOUSE_COLOURS = [
    (196, 90, 70),
    (230, 200, 140),
    (120, 160, 180),
    (170, 190, 140),
    (240, 235, 225),
    (150, 110, 150),
    (215, 150, 90),
]


def houses(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["dawn", "midday", "overcast", "dusk"])
    draw.rectangle([0, 800, WIDTH, HEIGHT], fill=(90, 90, 95))
    x, count = 0, 0
    while x < WIDTH:
        w, h = rng.randint(180, 260), rng.randint(330, 430)
        colour = rng.choice(HOUSE_COLOURS)
        top = 800 - h
        draw.rectangle([x, top, x + w, 800], fill=colour)
        draw.polygon(
            [(x - 6, top), (x + w // 2, top - rng.randint(70, 120)), (x + w + 6, top)],
            fill=(80, 60, 60),
        )
        door = x + w // 2 - 25
        draw.rectangle([door, 690, door + 50, 800], fill=shade(colour, 0.45))
        for wy in (top + 40, top + 160):
            for wx in (x + 30, x + w - 80):
                if wy + 80 < 680:
                    draw.rectangle([wx, wy, wx + 50, wy + 80], fill=(235, 240, 245))
                    draw.line([(wx + 25, wy), (wx + 25, wy + 80)], fill=shade(colour, 0.6), width=3)
        x += w
        count += 1
    return Drawing(
        img,
        f"Illustration: a row of {count_word(count)} terraced houses in "
        f"different colours {at(time)}",
        f"A terrace in {where}",
    )


def civic(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["dawn", "midday", "overcast"])
    stone = rng.choice([(225, 215, 195), (200, 200, 205), (215, 190, 170)])
    left, right = 260, WIDTH - 260
    draw.rectangle([0, 780, WIDTH, HEIGHT], fill=(120, 120, 115))
    for step in range(4):
        draw.rectangle(
            [left - 60 - step * 30, 700 + step * 22, right + 60 + step * 30, 722 + step * 22],
            fill=shade(stone, 0.85 - step * 0.05),
        )
    draw.rectangle([left, 330, right, 700], fill=shade(stone, 0.75))
    columns = rng.choice([6, 8])
    gap = (right - left) / (columns - 1)
    for n in range(columns):
        cx = int(left + n * gap)
        draw.rectangle([cx - 28, 330, cx + 28, 700], fill=stone)
        draw.rectangle([cx - 38, 310, cx + 38, 330], fill=shade(stone, 1.05))
    draw.rectangle([left - 40, 270, right + 40, 310], fill=shade(stone, 1.05))
    draw.polygon([(left - 40, 270), (WIDTH // 2, 130), (right + 40, 270)], fill=stone)
    draw.line([(WIDTH // 2, 130), (WIDTH // 2, 20)], fill=(60, 60, 60), width=6)
    flag = rng.choice([((40, 90, 160), "blue"), ((170, 40, 50), "red"), ((40, 120, 80), "green")])
    draw.rectangle([WIDTH // 2 + 3, 22, WIDTH // 2 + 110, 82], fill=flag[0])
    return Drawing(
        img,
        f"Illustration: a stone public building with {count_word(columns)} "
        f"columns, wide steps and a {flag[1]} flag {at(time)}",
        f"The civic buildings of {where}",
    )


def bus(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["night", "dusk"])
    draw.rectangle([0, 700, WIDTH, HEIGHT], fill=(45, 45, 55))
    for x in range(0, WIDTH, 200):
        draw.rectangle([x + 40, 790, x + 140, 800], fill=(220, 210, 150))
    for lamp in range(140, WIDTH, 420):
        draw.line([(lamp, 700), (lamp, 300)], fill=(30, 30, 35), width=8)
        draw.polygon([(lamp - 60, 330), (lamp + 60, 330), (lamp, 680)], fill=(70, 70, 70))
        draw.ellipse([lamp - 18, 290, lamp + 18, 326], fill=(255, 220, 140))
    colour = rng.choice(
        [((200, 40, 40), "red"), ((40, 110, 60), "green"), ((230, 180, 40), "yellow")]
    )
    bx = rng.randint(300, 700)
    draw.rounded_rectangle([bx, 470, bx + 720, 720], radius=30, fill=colour[0])
    for wx in range(bx + 30, bx + 680, 110):
        draw.rectangle([wx, 500, wx + 90, 590], fill=(250, 230, 160))
    for wheel in (bx + 130, bx + 590):
        draw.ellipse([wheel - 45, 680, wheel + 45, 770], fill=(20, 20, 20))
    return Drawing(
        img,
        f"Illustration: a {colour[1]} bus with lit windows on an empty street "
        f"{at(time)}, under street lamps",
        f"A late route through {where}",
    )


def market(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["midday", "dawn", "overcast"])
    draw.rectangle([0, 760, WIDTH, HEIGHT], fill=(150, 130, 110))
    stalls = rng.randint(3, 4)
    width = WIDTH // stalls
    stripes = rng.choice(
        [((200, 50, 50), "red"), ((40, 120, 170), "blue"), ((60, 140, 80), "green")]
    )
    produce = [(220, 60, 40), (250, 170, 40), (110, 170, 60), (150, 60, 120), (240, 220, 80)]
    for n in range(stalls):
        x = n * width + 30
        for s in range(8):
            fill = stripes[0] if s % 2 == 0 else (245, 240, 230)
            sx = x + s * (width - 60) // 8
            draw.polygon(
                [
                    (sx, 380),
                    (sx + (width - 60) // 8, 380),
                    (sx + (width - 60) // 8, 470),
                    (sx, 470),
                ],
                fill=fill,
            )
        draw.rectangle([x, 470, x + 10, 760], fill=(90, 70, 50))
        draw.rectangle([x + width - 70, 470, x + width - 60, 760], fill=(90, 70, 50))
        draw.rectangle([x, 600, x + width - 60, 640], fill=(140, 100, 60))
        for _ in range(30):
            px, py = rng.randint(x + 20, x + width - 90), rng.randint(560, 600)
            draw.ellipse([px, py, px + 34, py + 34], fill=rng.choice(produce))
    return Drawing(
        img,
        f"Illustration: {count_word(stalls)} market stalls with {stripes[1]} and "
        "white striped awnings, tables heaped with fruit and vegetables",
        f"Market day in {where}",
    )


def crowd(rng: random.Random, where: str) -> Drawing:
    time, img, draw = sky(rng, ["midday", "overcast", "dusk"])
    draw.rectangle([0, 720, WIDTH, HEIGHT], fill=(110, 110, 115))
    placards = 0
    tones = [(60, 50, 60), (90, 70, 80), (40, 50, 70), (110, 80, 60)]
    for row, (y, size) in enumerate(((560, 70), (640, 85), (730, 100))):
        x = -rng.randint(0, 60)
        while x < WIDTH:
            tone = shade(rng.choice(tones), 1 + row * 0.1)
            draw.ellipse([x, y - size, x + size, y], fill=tone)
            draw.rounded_rectangle(
                [x - size // 3, y, x + size + size // 3, y + size * 3], radius=size // 2, fill=tone
            )
            if row < 2 and rng.random() < 0.25:
                px = x + size // 2
                draw.line([(px, y - size), (px, y - size - 160)], fill=(120, 90, 60), width=6)
                draw.rectangle(
                    [px - 90, y - size - 280, px + 90, y - size - 160],
                    fill=rng.choice([(250, 250, 240), (250, 220, 80), (230, 90, 70)]),
                )
                placards += 1
            x += size + rng.randint(10, 40)
    return Drawing(
        img,
        f"Illustration: a crowd of people in silhouette holding up "
        f"{count_word(placards) if placards else 'a few'} blank placards",
        f"A rally in {where}",
    )
