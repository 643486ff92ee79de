#!/usr/bin/env python3
"""Renders a terminal capture with ANSI colours (`tmux capture-pane -e -p -N`) to a PNG.

Every cell sits on a fixed grid on a dark background. SGR codes handled: reset, bold, dim, italic (drawn
upright), underline, reverse, hidden, strike-through, their resets, the 8/16 colours (30-37, 90-97, 40-47,
100-107), 256 colours (38;5;n / 48;5;n) and true colour (38;2;r;g;b). Other escape sequences are skipped.
The SGR state carries from line to line, as tmux writes it. Wide (East Asian) characters take two cells;
box-drawing lines and block elements are drawn as shapes so that they join across cells exactly; other
characters come from DejaVu Sans Mono (falling back to DejaVu Sans for glyphs the mono face lacks).

usage: ansi_to_png.py INPUT OUTPUT [--cols 120] [--rows 40] [--font-size 16] [--font-dir DIR]
"""

import argparse
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

# A dark theme's 16 colours (close to the common "Tango"-style palettes, readable on the background below).
PALETTE16 = [
    (0x2E, 0x34, 0x36), (0xEF, 0x4B, 0x4B), (0x6A, 0xC9, 0x4A), (0xE5, 0xC0, 0x4A),
    (0x4C, 0x8D, 0xF0), (0xC6, 0x78, 0xDD), (0x3F, 0xC6, 0xD6), (0xD3, 0xD7, 0xCF),
    (0x6E, 0x73, 0x78), (0xFF, 0x6E, 0x6E), (0x8A, 0xE2, 0x34), (0xFC, 0xE9, 0x4F),
    (0x72, 0x9F, 0xFF), (0xE0, 0x9C, 0xF0), (0x6F, 0xE8, 0xF2), (0xFF, 0xFF, 0xFF),
]
DEFAULT_FG = (0xD8, 0xDC, 0xE0)
DEFAULT_BG = (0x17, 0x1A, 0x1F)
PADDING = 12
DROID_FALLBACK = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"

CSI = re.compile(r"\x1b\[([0-9;:?<>=]*)([ -/]*)([@-~])")
OTHER_ESC = re.compile(r"\x1b(\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[()*+][0-9A-Za-z]|.)")


def colour256(n):
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    level = 8 + 10 * (n - 232)
    return (level, level, level)


class Attr:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse", "hidden", "strike")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None  # None: default; int: palette index; tuple: RGB
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = self.hidden = self.strike = False

    def copy(self):
        a = Attr()
        for k in Attr.__slots__:
            setattr(a, k, getattr(self, k))
        return a

    def apply(self, params):
        codes = [int(p) if p.isdigit() else 0 for p in re.split(r"[;:]", params)] if params else [0]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                self.reset()
            elif c == 1:
                self.bold = True
            elif c == 2:
                self.dim = True
            elif c == 3:
                self.italic = True
            elif c in (4, 21):
                self.underline = True
            elif c == 7:
                self.reverse = True
            elif c == 8:
                self.hidden = True
            elif c == 9:
                self.strike = True
            elif c == 22:
                self.bold = self.dim = False
            elif c == 23:
                self.italic = False
            elif c == 24:
                self.underline = False
            elif c == 27:
                self.reverse = False
            elif c == 28:
                self.hidden = False
            elif c == 29:
                self.strike = False
            elif 30 <= c <= 37:
                self.fg = c - 30
            elif 40 <= c <= 47:
                self.bg = c - 40
            elif 90 <= c <= 97:
                self.fg = c - 90 + 8
            elif 100 <= c <= 107:
                self.bg = c - 100 + 8
            elif c == 39:
                self.fg = None
            elif c == 49:
                self.bg = None
            elif c in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5 and i + 2 < len(codes):
                    value = codes[i + 2]
                    i += 2
                elif codes[i + 1] == 2 and i + 4 < len(codes):
                    value = tuple(max(0, min(255, v)) for v in codes[i + 2:i + 5])
                    i += 4
                else:
                    value = None
                    i += 1
                if c == 38:
                    self.fg = value
                else:
                    self.bg = value
            i += 1


def resolve(colour, default):
    if colour is None:
        return default
    if isinstance(colour, tuple):
        return colour
    return colour256(colour)


def cell_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def parse(text, cols, rows):
    """A rows×cols grid of (text, Attr, width) cells; a wide character's second cell is None."""
    grid = [[(" ", Attr(), 1) for _ in range(cols)] for _ in range(rows)]
    attr = Attr()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for y, line in enumerate(lines[:rows]):
        x = 0
        i = 0
        while i < len(line):
            ch = line[i]
            if ch == "\x1b":
                m = CSI.match(line, i)
                if m:
                    if m.group(3) == "m" and not m.group(2):
                        attr.apply(m.group(1))
                    i = m.end()
                    continue
                m = OTHER_ESC.match(line, i)
                i = m.end() if m else i + 1
                continue
            i += 1
            if ch == "\r" or (ord(ch) < 0x20 and ch != "\t") or ch == "\x7f":
                continue
            if ch == "\t":
                x = min(cols, (x // 8 + 1) * 8)
                continue
            w = cell_width(ch)
            if w == 0:
                if x > 0:  # combining mark: joins the previous cell's text
                    px = x - 1
                    if grid[y][px] is None and px > 0:
                        px -= 1
                    t, a, cw = grid[y][px]
                    grid[y][px] = (t + ch, a, cw)
                continue
            if x + w > cols:
                continue  # off the right edge; later escapes on the line still count
            grid[y][x] = (ch, attr.copy(), w)
            if w == 2:
                grid[y][x + 1] = None
            x += w
    return grid


# Box drawing: for each character, the weight of its arm towards (up, right, down, left):
# 0 none, 1 light, 2 heavy, 3 double.
def _box_table():
    t = {}
    L, H, D = 1, 2, 3
    spec = {
        "─": (0, L, 0, L), "━": (0, H, 0, H), "│": (L, 0, L, 0), "┃": (H, 0, H, 0),
        "┌": (0, L, L, 0), "┐": (0, 0, L, L), "└": (L, L, 0, 0), "┘": (L, 0, 0, L),
        "┏": (0, H, H, 0), "┓": (0, 0, H, H), "┗": (H, H, 0, 0), "┛": (H, 0, 0, H),
        "├": (L, L, L, 0), "┤": (L, 0, L, L), "┬": (0, L, L, L), "┴": (L, L, 0, L), "┼": (L, L, L, L),
        "┣": (H, H, H, 0), "┫": (H, 0, H, H), "┳": (0, H, H, H), "┻": (H, H, 0, H), "╋": (H, H, H, H),
        "═": (0, D, 0, D), "║": (D, 0, D, 0), "╔": (0, D, D, 0), "╗": (0, 0, D, D), "╚": (D, D, 0, 0),
        "╝": (D, 0, 0, D), "╠": (D, D, D, 0), "╣": (D, 0, D, D), "╦": (0, D, D, D), "╩": (D, D, 0, D),
        "╬": (D, D, D, D), "╴": (0, 0, 0, L), "╵": (L, 0, 0, 0), "╶": (0, L, 0, 0), "╷": (0, 0, L, 0),
        "╭": (0, L, L, 0), "╮": (0, 0, L, L), "╰": (L, L, 0, 0), "╯": (L, 0, 0, L),
    }
    t.update(spec)
    return t


BOX = _box_table()


def draw_box(draw, ch, x0, y0, cw, chh, colour):
    up, right, down, left = BOX[ch]
    cx = x0 + cw // 2
    cy = y0 + chh // 2
    light = max(1, round(cw / 9))
    heavy = light * 2 + 1

    def hline(xa, xb, weight):
        if weight == 3:
            gap = light + 1
            for off in (-gap, gap):
                draw.rectangle([xa, cy + off - light // 2, xb, cy + off - light // 2 + light - 1], fill=colour)
        elif weight:
            t = light if weight == 1 else heavy
            draw.rectangle([xa, cy - t // 2, xb, cy - t // 2 + t - 1], fill=colour)

    def vline(ya, yb, weight):
        if weight == 3:
            gap = light + 1
            for off in (-gap, gap):
                draw.rectangle([cx + off - light // 2, ya, cx + off - light // 2 + light - 1, yb], fill=colour)
        elif weight:
            t = light if weight == 1 else heavy
            draw.rectangle([cx - t // 2, ya, cx - t // 2 + t - 1, yb], fill=colour)

    def thick(weight):
        return 0 if not weight else light if weight == 1 else heavy if weight == 2 else 2 * (light + 1) + light

    # Arms run from the cell's edge to the far side of the crossing stroke, so corners close squarely.
    vt = max(thick(up), thick(down))
    ht = max(thick(left), thick(right))
    if left:
        hline(x0, cx - vt // 2 + max(vt, 1) - 1, left)
    if right:
        hline(cx - vt // 2, x0 + cw - 1, right)
    if up:
        vline(y0, cy - ht // 2 + max(ht, 1) - 1, up)
    if down:
        vline(cy - ht // 2, y0 + chh - 1, down)


def draw_block(draw, ch, x0, y0, cw, chh, colour):
    """Block elements U+2580–U+259F (the sparkline glyphs among them); returns False when not one."""
    o = ord(ch)
    if 0x2581 <= o <= 0x2588:  # lower eighths ▁..█
        h = round(chh * (o - 0x2580) / 8)
        draw.rectangle([x0, y0 + chh - h, x0 + cw - 1, y0 + chh - 1], fill=colour)
    elif 0x2589 <= o <= 0x258F:  # left eighths ▉..▏
        w = round(cw * (0x2590 - o) / 8)
        draw.rectangle([x0, y0, x0 + max(1, w) - 1, y0 + chh - 1], fill=colour)
    elif o == 0x2580:  # upper half
        draw.rectangle([x0, y0, x0 + cw - 1, y0 + chh // 2 - 1], fill=colour)
    elif o == 0x2590:  # right half
        draw.rectangle([x0 + cw // 2, y0, x0 + cw - 1, y0 + chh - 1], fill=colour)
    elif o == 0x2594:  # upper eighth
        draw.rectangle([x0, y0, x0 + cw - 1, y0 + max(1, chh // 8) - 1], fill=colour)
    elif o == 0x2595:  # right eighth
        draw.rectangle([x0 + cw - max(1, cw // 8), y0, x0 + cw - 1, y0 + chh - 1], fill=colour)
    elif o in (0x2591, 0x2592, 0x2593):  # shades: a blend of colour over the cell
        return False
    else:
        return False
    return True


class Fonts:
    """DejaVu Sans Mono (regular, bold); for glyphs it lacks, DejaVu Sans, then any extra fallback faces
    (Droid Sans Fallback for CJK when present)."""

    def __init__(self, font_dir, size, extra_fallbacks=()):
        self.size = size
        self.regular = ImageFont.truetype(f"{font_dir}/DejaVuSansMono.ttf", size)
        self.bold = ImageFont.truetype(f"{font_dir}/DejaVuSansMono-Bold.ttf", size)
        self.fallbacks = []
        for path in [f"{font_dir}/DejaVuSans.ttf", *extra_fallbacks]:
            try:
                face = ImageFont.truetype(path, size)
            except OSError:
                continue
            self.fallbacks.append((face, self._signature(face, "\ue000")))
        self._notdef = self._signature(self.regular, "\ue000")  # a private-use code point: no glyph anywhere
        self._choice = {}

    def _signature(self, face, ch):
        image = Image.new("L", (self.size * 3, self.size * 2))
        ImageDraw.Draw(image).text((0, 0), ch, font=face, fill=255)
        return image.tobytes()

    def for_text(self, text, bold):
        """The face to draw `text` with, and whether it is a fallback (drawn without a bold face)."""
        key = text[0]
        choice = self._choice.get(key)
        if choice is None:
            choice = -1
            if key.strip() and self._signature(self.regular, key) == self._notdef:
                for i, (face, notdef) in enumerate(self.fallbacks):
                    if self._signature(face, key) != notdef:
                        choice = i
                        break
            self._choice[key] = choice
        if choice < 0:
            return (self.bold if bold else self.regular), False
        return self.fallbacks[choice][0], True


def blend(a, b, t):
    return tuple(round(x * (1 - t) + y * t) for x, y in zip(a, b))


def render(grid, fonts, cols, rows):
    ascent, descent = fonts.regular.getmetrics()
    cw = round(fonts.regular.getlength("M"))
    chh = ascent + descent + 2
    width, height = cols * cw + 2 * PADDING, rows * chh + 2 * PADDING
    image = Image.new("RGB", (width, height), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(grid):
        for x, cell in enumerate(row):
            if cell is None:
                continue
            text, a, w = cell
            fg = resolve(a.fg, DEFAULT_FG)
            bg = resolve(a.bg, DEFAULT_BG)
            if a.reverse:
                fg, bg = bg, fg
            if a.dim:
                fg = blend(fg, bg, 0.45)
            x0 = PADDING + x * cw
            y0 = PADDING + y * chh
            if bg != DEFAULT_BG:
                draw.rectangle([x0, y0, x0 + w * cw - 1, y0 + chh - 1], fill=bg)
            if a.hidden or text == " ":
                pass
            elif len(text) == 1 and text in BOX:
                draw_box(draw, text, x0, y0, cw, chh, fg)
            elif len(text) == 1 and draw_block(draw, text, x0, y0, cw, chh, fg):
                pass
            else:
                font, fallback = fonts.for_text(text, a.bold)
                # Centre the glyph in its cell(s) horizontally (a wide character gets two); same baseline for all.
                advance = font.getlength(text)
                gx = x0 + (w * cw - advance) / 2
                gy = y0 + 1 + (ascent - font.getmetrics()[0] if fallback else 0)
                draw.text((gx, gy), text, font=font, fill=fg)
                if a.bold and fallback:  # no bold face: overstrike
                    draw.text((gx + 1, gy), text, font=font, fill=fg)
            if a.underline:
                uy = y0 + ascent + 2
                draw.line([x0, uy, x0 + w * cw - 1, uy], fill=fg)
            if a.strike:
                sy = y0 + chh // 2
                draw.line([x0, sy, x0 + w * cw - 1, sy], fill=fg)
    return image


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("input", help="capture with ANSI escapes ('-' for standard input)")
    p.add_argument("output", help="PNG to write")
    p.add_argument("--cols", type=int, default=120)
    p.add_argument("--rows", type=int, default=40)
    p.add_argument("--font-size", type=int, default=16)
    p.add_argument("--font-dir", default="/usr/share/fonts/truetype/dejavu")
    p.add_argument("--fallback-font", action="append", default=[],
                   help="extra face for glyphs DejaVu lacks (repeatable); Droid Sans Fallback is used when installed")
    args = p.parse_args()
    if args.input == "-":
        text = sys.stdin.read()
    else:
        with open(args.input, encoding="utf-8", errors="replace") as f:
            text = f.read()
    grid = parse(text, args.cols, args.rows)
    fallbacks = args.fallback_font + [DROID_FALLBACK]
    fonts = Fonts(args.font_dir, args.font_size, fallbacks)
    render(grid, fonts, args.cols, args.rows).save(args.output, optimize=True)


if __name__ == "__main__":
    main()
