"""Draw nnbuilder's icon set: a small network (3-4-2 nodes, wired) on a rounded tile.

One geometry feeds both the SVG (scalable, for Linux icon themes) and the PNGs, ICO (Windows) and
ICNS (macOS), which are drawn at 4x and downsampled so small sizes stay crisp. Run it again after
changing the drawing; the outputs are committed under resources/icons/.

    python packaging/make_icons.py [OUTPUT_FOLDER]
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
TILE_TOP, TILE_BOTTOM = (40, 72, 160), (22, 40, 96)  # deep blue, darker at the bottom
EDGE = (160, 196, 255)
LAYERS = (  # x position and node colours of each layer, on a 0..1 canvas
    (0.22, ((120, 220, 160),) * 3),
    (0.50, ((255, 210, 90),) * 4),
    (0.78, ((255, 120, 110),) * 2),
)
NODE_R = 0.062


def _nodes() -> list[list[tuple[float, float, tuple[int, int, int]]]]:
    out = []
    for x, colours in LAYERS:
        n = len(colours)
        span = 0.16 * (n - 1)
        out.append([(x, 0.5 - span / 2 + 0.16 * i, c) for i, c in enumerate(colours)])
    return out


def draw(size: int) -> Image.Image:
    scale = 4
    s = size * scale
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    tile = Image.new("RGBA", (s, s))
    td = ImageDraw.Draw(tile)
    for y in range(s):
        t = y / max(1, s - 1)
        td.line([(0, y), (s, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(TILE_TOP, TILE_BOTTOM, strict=True)))
    mask = Image.new("L", (s, s), 0)
    inset = round(s * 0.04)
    ImageDraw.Draw(mask).rounded_rectangle([inset, inset, s - inset, s - inset], radius=round(s * 0.2), fill=255)
    img.paste(tile, (0, 0), mask)
    d = ImageDraw.Draw(img)
    layers = _nodes()
    width = max(scale, round(s * 0.014))
    for left, right in zip(layers, layers[1:], strict=False):
        for x0, y0, _ in left:
            for x1, y1, _ in right:
                d.line([(x0 * s, y0 * s), (x1 * s, y1 * s)], fill=EDGE + (200,), width=width)
    r = NODE_R * s
    for layer in layers:
        for x, y, c in layer:
            d.ellipse([x * s - r, y * s - r, x * s + r, y * s + r], fill=c + (255,), outline=(255, 255, 255, 255),
                      width=max(scale, round(s * 0.012)))
    return img.resize((size, size), Image.Resampling.LANCZOS)


def _hex(c: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*c)


def svg() -> str:
    """The same drawing as an SVG (512 units), for hicolor/scalable."""
    n = 512
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{n}" height="{n}" viewBox="0 0 {n} {n}">',
             '<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">'
             f'<stop offset="0" stop-color="{_hex(TILE_TOP)}"/><stop offset="1" stop-color="{_hex(TILE_BOTTOM)}"/>'
             '</linearGradient></defs>',
             f'<rect x="{n * 0.04:.1f}" y="{n * 0.04:.1f}" width="{n * 0.92:.1f}" height="{n * 0.92:.1f}" '
             f'rx="{n * 0.2:.1f}" fill="url(#bg)"/>']
    layers = _nodes()
    for left, right in zip(layers, layers[1:], strict=False):
        for x0, y0, _ in left:
            for x1, y1, _ in right:
                parts.append(f'<line x1="{x0 * n:.1f}" y1="{y0 * n:.1f}" x2="{x1 * n:.1f}" y2="{y1 * n:.1f}" '
                             f'stroke="{_hex(EDGE)}" stroke-opacity="0.8" stroke-width="{n * 0.014:.1f}"/>')
    for layer in layers:
        for x, y, c in layer:
            parts.append(f'<circle cx="{x * n:.1f}" cy="{y * n:.1f}" r="{NODE_R * n:.1f}" fill="{_hex(c)}" '
                         f'stroke="white" stroke-width="{n * 0.012:.1f}"/>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "resources" / "icons"
    out.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size) for size in SIZES}
    for size, img in images.items():
        img.save(out / f"nnbuilder-{size}.png", optimize=True)
    images[256].save(out / "nnbuilder.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
    images[512].save(out / "nnbuilder.icns")
    (out / "nnbuilder.svg").write_text(svg(), encoding="utf-8")
    print(f"icons written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
