"""Pixels to PNG bytes, fast: colormap lookup tables, cached text coverage, an unfiltered PNG encoder.

Why hand-encode a PNG? Pillow's adaptive row filters cost twice as long as none at all, and these pictures are
mostly flat colour, which zlib level 1 packs well without filters. Text is drawn by Pillow once per distinct
label (in matplotlib's font) and its coverage cached, so a repaint only darkens pixels.
"""
from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..style import Scale

DPI = 72


def colour(values: np.ndarray, scale: Scale) -> np.ndarray:
    """Finite values (...) -> RGB uint8 (..., 3) through the colormap's lookup table on [scale.lo, scale.hi]."""
    span = scale.hi - scale.lo if scale.hi > scale.lo else 1.0
    index = np.clip((values - scale.lo) * (255.0 / span) + 0.5, 0, 255).astype(np.intp)
    return _lut(scale.cmap)[index]


def encode_png(pixels: np.ndarray) -> bytes:
    """RGB (H, W, 3) uint8 -> PNG bytes: every row filter 0 (none), one IDAT at zlib level 1."""
    height, width, _ = pixels.shape
    raw = np.zeros((height, width * 3 + 1), np.uint8)
    raw[:, 1:] = pixels.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) +
            _chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + _chunk(b"IEND", b""))


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


@lru_cache(maxsize=8)
def _lut(cmap: str) -> np.ndarray:
    return (matplotlib.colormaps[cmap](np.linspace(0, 1, 256))[:, :3] * 255).round().astype(np.uint8)


@lru_cache(maxsize=4096)
def glyphs(words: str, anchor: str, size: int) -> tuple[np.ndarray, int, int]:
    """Pillow's anti-aliased coverage (0-255) of `words`, and its offset from the anchor point: drawn once per text."""
    font = font_of(size)
    left, top, right, bottom = font.getbbox(words, anchor=anchor)
    image = Image.new("L", (max(right - left, 1), max(bottom - top, 1)), 0)
    ImageDraw.Draw(image).text((-left, -top), words, fill=255, font=font, anchor=anchor)
    return np.asarray(image), left, top


@lru_cache(maxsize=4)
def font_of(size: int = 0) -> ImageFont.FreeTypeFont:
    """matplotlib's font; size 0: its tick-label size."""
    path = matplotlib.font_manager.findfont("DejaVu Sans")
    return ImageFont.truetype(path, size=size or round(matplotlib.rcParams["font.size"] * DPI / 72 * 0.9))
