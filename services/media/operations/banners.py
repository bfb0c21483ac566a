"""The print banner (PDF and JPEG) and the social cards (1080 x 1080, one per language) of a candidate
who advanced to the republican stage or won.

Every word is set in the Noto Sans that ships in `shared/fonts` (it draws every Kazakh letter): the
JPEGs with libvips's text renderer given that font file, the PDF with fpdf2 embedding a subset of it.
The banner is 600 x 1800 mm at 150 dpi by default (3543 x 10630 px): libvips composes it in strips
as it writes the JPEG, so the 37 MP image is never whole in memory.

The photo is drawn from the original, upright and in sRGB (`imaging.print_square`), at the banner's
own resolution: its square is printed 528 mm wide, 3118 px at 150 dpi, or the original's full
resolution when it has fewer pixels (a 1600 x 1200 photo gives 58 dpi). That effective resolution is
the banners' `dpi`, which the media team sees (a warning under `rules.LOW_DPI`). The PDF embeds the
square at that resolution; the JPEG, one raster at the banner's dpi, enlarges it to fill its place.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pyvips
from fpdf import FPDF

from services.media import rules
from services.media.messages import STAGE_LINES, TITLE
from services.media.operations import imaging
from shared import fonts
from shared.i18n import LANGUAGES, translate

imaging.quiet("fontTools.subset")  # fpdf2's font subsetting: some 70 INFO lines a PDF

BACKGROUND = (11, 61, 145)
ACCENT = (255, 196, 37)
WHITE = (255, 255, 255)
BANNER_MM = (600, 1800)
BANNER_DPI = 150
#: The banner's margins, as a share of its width: the photo is the width between them, square.
MARGIN = 0.06
CARD = 1080


@dataclass(frozen=True)
class Facts:
    """What a banner says: the name as the student spells it, college, region, stage, achievement."""

    name: str
    college: dict[str, str]
    region: dict[str, str]
    stage: str
    achievement: str | None


@dataclass(frozen=True)
class Made:
    name: str
    format: str
    data: bytes
    width: int
    height: int
    #: The photo's resolution at print size (banners only).
    dpi: int | None = None


def make_all(
    facts: Facts, original: bytes, mm: tuple[int, int] = BANNER_MM, dpi: int = BANNER_DPI
) -> list[Made]:
    """`banner` (PDF and JPEG) and `social_kk`, `social_ru`, `social_en` (JPEG) from the original photo."""
    photo_mm = mm[0] * (1 - 2 * MARGIN)
    square = imaging.print_square(original, rules.pixels_at(photo_mm, dpi))
    photo_dpi = rules.effective_dpi(square.width, photo_mm)
    made = [banner_pdf(facts, square, mm, photo_dpi), banner_jpeg(facts, square, mm, dpi, photo_dpi)]
    made += [social_card(facts, square, language) for language in LANGUAGES]
    return made


def _text(text: str, size: int, width: int, bold: bool = False, colour: tuple[int, int, int] = WHITE):  # type: ignore[no-untyped-def]
    """White (or `colour`) text with an alpha band, wrapped to `width` px and centred."""
    font = fonts.BOLD if bold else fonts.REGULAR
    family = "Noto Sans Bold" if bold else "Noto Sans"
    mask = pyvips.Image.text(
        escape(text), font=f"{family} {size}px", fontfile=str(font), width=width, align="centre", dpi=72
    )
    return mask.new_from_image(list(colour)).copy(interpretation="srgb").bandjoin(mask)


def _title() -> str:
    """The programme's one name in each language, once each: the banner's heading (it already says
    "TOP 100"; a second, bigger "TOP 100" above it printed the name twice)."""
    return "\n".join(translate(TITLE, language) for language in LANGUAGES)


def _lines(facts: Facts) -> list[tuple[str, float, bool, tuple[int, int, int]]]:
    """(text, size as a share of the width, bold, colour), top to bottom under the photo; an empty
    one (a college named in no language) is left out."""
    stage = STAGE_LINES[facts.stage]
    lines = [
        (facts.name, 0.11, True, WHITE),
        ("\n".join(translate(stage, language) for language in LANGUAGES), 0.055, True, ACCENT),
        (
            "\n".join(dict.fromkeys(facts.college[lang] for lang in LANGUAGES if facts.college.get(lang))),
            0.05,
            False,
            WHITE,
        ),
        (
            " / ".join(dict.fromkeys(facts.region[lang] for lang in LANGUAGES if facts.region.get(lang))),
            0.055,
            True,
            WHITE,
        ),
    ]
    return [line for line in lines if line[0]]


#: The heading's size (a share of the width) and the gaps' shares of the free height: before the
#: heading (none: the margin is there), around the photo twice a text gap, one under the last line.
TITLE_SIZE = 0.042
PHOTO_GAP, TEXT_GAP, END_GAP = 1.5, 1.0, 1.0


def _gaps(texts: int) -> list[float]:
    """The weights of `rules.spread` for the heading, the photo, `texts` lines and the bottom."""
    return [0.0, PHOTO_GAP, PHOTO_GAP, *([TEXT_GAP] * (texts - 1)), END_GAP]


def banner_jpeg(facts: Facts, photo: pyvips.Image, mm: tuple[int, int], dpi: int, photo_dpi: int) -> Made:
    """The banner as one raster at `dpi`: heading, photo and lines spread over the whole height."""
    width, height = (rules.pixels_at(side, dpi) for side in mm)
    canvas = pyvips.Image.black(width, height).new_from_image(list(BACKGROUND)).copy(interpretation="srgb")
    margin = round(width * MARGIN)
    inner = width - 2 * margin
    heading = _text(_title(), round(width * TITLE_SIZE), inner, bold=True, colour=ACCENT)
    picture = photo.thumbnail_image(inner, height=width)
    lines = [
        _text(text, round(width * size), inner, bold=bold, colour=colour)
        for text, size, bold, colour in _lines(facts)
    ]
    blocks = [heading, picture, *lines]
    tops = rules.spread([block.height for block in blocks], height - 2 * margin, _gaps(len(lines)))
    for block, top in zip(blocks, tops, strict=True):
        x, y = (width - block.width) // 2, margin + top
        if block is picture:
            canvas = canvas.insert(picture, x, y)
        else:
            canvas = canvas.composite2(block, "over", x=x, y=y).flatten()
    data = imaging.encode(canvas.cast("uchar"), "jpeg", progressive=False)
    return Made("banner", "jpeg", data, width, height, photo_dpi)


def banner_pdf(facts: Facts, photo: pyvips.Image, mm: tuple[int, int], photo_dpi: int) -> Made:
    """The same banner as a PDF in millimetres, text as text (sharp at any print size), the photo at
    its own resolution, laid out as the JPEG (`rules.spread`)."""
    width, height = mm
    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("Noto", "", str(fonts.REGULAR))
    pdf.add_font("Noto", "B", str(fonts.BOLD))
    pdf.add_page()
    pdf.set_fill_color(*BACKGROUND)
    pdf.rect(0, 0, width, height, style="F")
    margin = width * MARGIN
    side = width - 2 * margin
    pt = 72 / 25.4  # points per millimetre
    texts = [(_title(), TITLE_SIZE, True, ACCENT), *_lines(facts)]

    def block(text: str, share: float, bold: bool, colour: tuple[int, int, int], dry: bool = False) -> float:
        pdf.set_font("Noto", "B" if bold else "", size=width * share * pt)
        pdf.set_text_color(*colour)
        pdf.set_x(margin)
        kept = pdf.multi_cell(side, width * share * 1.25, text, align="C", dry_run=dry, output="HEIGHT")
        return float(kept)

    heights = [block(*text, dry=True) for text in texts]
    scale = 100  # spread works in whole units: hundredths of a millimetre
    tops = rules.spread(
        [round(h * scale) for h in (heights[0], side, *heights[1:])],
        round((height - 2 * margin) * scale),
        _gaps(len(texts) - 1),
    )
    picture = io.BytesIO(imaging.encode(photo, "jpeg", progressive=False))
    pdf.image(picture, x=margin, y=margin + tops[1] / scale, w=side, h=side)
    for text, top in zip(texts, [tops[0], *tops[2:]], strict=True):
        pdf.set_y(margin + top / scale)
        block(*text)
    return Made("banner", "pdf", bytes(pdf.output()), 0, 0, photo_dpi)


def social_card(facts: Facts, photo: pyvips.Image, language: str) -> Made:
    """1080 x 1080: the photo above, a band with the name, the achievement and the title below."""
    canvas = pyvips.Image.black(CARD, CARD).new_from_image(list(BACKGROUND)).copy(interpretation="srgb")
    band = round(CARD * 0.34)
    picture = photo.thumbnail_image(CARD, height=CARD - band, crop="centre")
    canvas = canvas.insert(picture, (CARD - picture.width) // 2, 0)
    line = facts.achievement or translate(STAGE_LINES[facts.stage], language)
    pieces = [
        _text(text, size, CARD - 80, bold=bold, colour=colour)
        for text, size, bold, colour in (
            (facts.name, 56, True, WHITE),
            (line, 34, False, ACCENT),
            (translate(TITLE, language), 30, False, WHITE),
        )
    ]
    # The lines centred in the band, as much room above them as below.
    tops = rules.spread([piece.height for piece in pieces], band, [1.0, 0.4, 0.4, 1.0])
    for piece, top in zip(pieces, tops, strict=True):
        canvas = canvas.composite2(piece, "over", x=(CARD - piece.width) // 2, y=CARD - band + top).flatten()
    data = imaging.encode(canvas.cast("uchar"), "jpeg")
    return Made(f"social_{language}", "jpeg", data, CARD, CARD)
