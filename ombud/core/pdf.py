"""PDF documents (fpdf2, pure Python). A Unicode font is used when the machine has DejaVu Sans;
otherwise the built-in Helvetica, with characters it cannot draw replaced, so a report never fails
for want of a font. Chinese, Korean and Japanese, which DejaVu Sans lacks, are drawn with the first
CJK font found (``OMBUD_PDF_FONT``, else one of Debian's: docs/translation.md)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

logger = logging.getLogger(__name__)
_DEJAVU = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/dejavu/DejaVuSans.ttf")]
_DEJAVU_BOLD = [p.with_name("DejaVuSans-Bold.ttf") for p in _DEJAVU]
# (file, face in a collection): Debian's fonts-noto-cjk (its Simplified Chinese face), fonts-wqy-microhei
# and fonts-wqy-zenhei; each draws Chinese and Korean (Droid Sans Fallback, which has no Hangul, does not).
CJK_FONTS = [
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
]


def cjk_fonts() -> list[tuple[Path, int]]:
    """The font files (and faces) on this machine that draw Chinese and Korean, the preferred first."""
    chosen = [(Path(settings.PDF_FONT), 0)] if settings.PDF_FONT else []
    return [(path, face) for path, face in [*chosen, *CJK_FONTS] if path.is_file()]


class Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.set_title(title)
        self.set_creator("ombud")
        self.set_auto_page_break(auto=True, margin=15)
        regular = next((p for p in _DEJAVU if p.exists()), None)
        bold = next((p for p in _DEJAVU_BOLD if p.exists()), None)
        wide = self._wide_font()
        self.unicode = bool(regular and bold) or wide
        if regular and bold:
            self.add_font("body", "", str(regular))
            self.add_font("body", "B", str(bold))
            self.family_name = "body"
            if wide:
                # Headings are bold: their Chinese is drawn in the regular face rather than not at all.
                self.set_fallback_fonts(["wide"], exact_match=False)
        elif wide:
            self.family_name = "wide"
        else:
            self.family_name = "helvetica"
        self.add_page()

    def _wide_font(self) -> bool:
        """Register the first of the machine's CJK fonts that can be read as "wide" (its regular face
        for bold too); False without one: a report is then written without those characters rather
        than not at all."""
        for path, face in cjk_fonts():
            try:
                self.add_font("wide", "", str(path), collection_font_number=face)
                self.add_font("wide", "B", str(path), collection_font_number=face)
            except Exception:  # fpdf2 and fontTools raise many kinds on a file that is not a font
                logger.warning("The PDF font %s cannot be read as a font; trying the next.", path)
                continue
            return True
        return False

    def clean(self, text: object) -> str:
        value = str(text)
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str, size: int = 14) -> None:
        self.set_font(self.family_name, "B", size)
        self.multi_cell(0, size * 0.5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def para(self, text: str, size: int = 10) -> None:
        self.set_font(self.family_name, "", size)
        self.multi_cell(0, 5, self.clean(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def grid(self, header: list[str], rows: list[list[object]], widths: list[float] | None = None) -> None:
        self.set_font(self.family_name, "", 8)
        with self.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
            head = table.row()
            for cell in header:
                head.cell(self.clean(cell))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(self.clean("" if value is None else value))
        self.ln(2)

    def bytes(self) -> bytes:
        return bytes(self.output())
