"""A stamp and two signatures for the demo company, drawn (not scanned).

They let a new user see what "with stamp and signatures" prints before they scan their
own. The stamp is the round kind Russian companies use: the name around the ring, the
INN and OGRN, the city in the middle; the signatures are pen strokes.
"""

from __future__ import annotations

import io
import math
import random

from salesdesk.assets import resource_path

INK = (32, 58, 168, 255)       # stamp-pad blue
PEN = (20, 30, 90, 255)        # a ballpoint


def _font(size: int) -> object:
    from PIL import ImageFont

    return ImageFont.truetype(str(resource_path("fonts", "DejaVuSans-Bold.ttf")), size)


def stamp_png(name: str, inn: str, ogrn: str, city: str) -> bytes:
    """A round stamp: ``name`` around the ring, INN/OGRN and the city inside."""
    from PIL import Image, ImageDraw

    size = 600
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre = size / 2
    for radius, width in ((292, 9), (226, 5)):
        draw.ellipse((centre - radius, centre - radius, centre + radius, centre + radius),
                     outline=INK, width=width)
    ring = f"{name} • {name} • "
    font = _font(34)
    radius = 258
    step = 360 / len(ring)
    for index, letter in enumerate(ring):
        angle = math.radians(-90 + index * step)
        glyph = Image.new("RGBA", (48, 48), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((24, 24), letter, font=font, fill=INK, anchor="mm")
        glyph = glyph.rotate(-(index * step), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(angle) - 24
        y = centre + radius * math.sin(angle) - 24
        image.alpha_composite(glyph, (int(x), int(y)))
    draw.text((centre, centre - 70), f"ИНН {inn}", font=_font(34), fill=INK, anchor="mm")
    draw.text((centre, centre), city, font=_font(44), fill=INK, anchor="mm")
    draw.text((centre, centre + 70), f"ОГРН {ogrn}", font=_font(30), fill=INK, anchor="mm")
    return _png(image)


def signature_png(seed: int) -> bytes:
    """A handwritten-looking signature: a few joined loops and a flourish."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    width, height = 720, 260
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    points: list[tuple[float, float]] = []
    x = 40.0
    loops = rng.randint(4, 6)
    for loop in range(loops):
        tall = rng.uniform(50, 110) if loop == 0 else rng.uniform(25, 70)
        wide = rng.uniform(45, 85)
        for step in range(24):
            phase = step / 24 * 2 * math.pi
            points.append((x + wide * step / 24 + 14 * math.sin(phase),
                           150 - tall * math.sin(phase / 2) ** 2 + 10 * math.cos(phase)))
        x += wide
    for step in range(30):  # the flourish under the name
        t = step / 29
        points.append((x - t * (x - 60), 185 + 22 * math.sin(t * math.pi) - 8 * t))
    draw.line(points, fill=PEN, width=9, joint="curve")
    return _png(image.crop(image.getbbox()))


def _png(image: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)  # type: ignore[attr-defined]
    return out.getvalue()


def logo_png(name: str) -> bytes:
    """A plain logo: an arrow in a square and the company's name beside it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (900, 240), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((10, 10, 230, 230), radius=36, fill=INK)
    draw.polygon([(60, 170), (120, 60), (180, 170), (120, 135)], fill=(255, 255, 255, 255))
    draw.text((260, 120), name, font=_font(92), fill=(30, 41, 59, 255), anchor="lm")
    return _png(image.crop(image.getbbox()))
