"""The fonts every service prints with: Noto Sans, which draws every Kazakh letter (OFL, see OFL.txt).

Media's banners and social cards use it; review's protocol PDFs can use the same files.
"""

from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).parent
REGULAR = FOLDER / "NotoSans-Regular.ttf"
BOLD = FOLDER / "NotoSans-Bold.ttf"
#: The letters of the Kazakh alphabet beyond Russian's: a font that lacks one prints a blank box.
KAZAKH_LETTERS = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
