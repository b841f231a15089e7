"""PDF documents (fpdf2, pure Python). A Unicode font is used when the machine has DejaVu Sans;
otherwise the built-in Helvetica, with characters it cannot draw replaced, so a report never fails
for want of a font. Chinese, Korean and Japanese, which DejaVu Sans lacks, are drawn with the first
CJK font found (``OMBUD_PDF_FONT``, else one of Debian's: docs/translation.md)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from fpdf import FPDF

_DEJAVU = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/dejavu/DejaVuSans.ttf")]
_DEJAVU_BOLD = [p.with_name("DejaVuSans-Bold.ttf") for p in _DEJAVU]
# (file, face in a collection): Debian's fonts-noto-cjk (its Simplified Chinese face), fonts-wqy-microhei
# and fonts-wqy-zenhei; each draws Chinese and Korean (Droid Sans Fallback, which has no Hangul, does not).
CJK_FONTS = [
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
]


def cjk_font() -> tuple[Path, int] | None:
    """The font file (and face) that draws Chinese and Korean here, if the machine has one."""
    chosen = [(Path(settings.PDF_FONT), 0)] if settings.PDF_FONT else []
    return next(((path, face) for path, face in [*chosen, *CJK_FONTS] if path.is_file()), None)


class Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.set_title(title)
        self.set_creator("ombud")
        self.set_auto_page_break(auto=True, margin=15)
        regular = next((p for p in _DEJAVU if p.exists()), None)
        bold = next((p for p in _DEJAVU_BOLD if p.exists()), None)
        self.unicode = regular is not None and bold is not None
        if self.unicode and regular and bold:
            self.add_font("body", "", str(regular))
            self.add_font("body", "B", str(bold))
            self.family_name = "body"
            wide = cjk_font()
            if wide:
                self.add_font("wide", "", str(wide[0]), collection_font_number=wide[1])
                # Headings are bold: their Chinese is drawn in the regular face rather than not at all.
                self.set_fallback_fonts(["wide"], exact_match=False)
        else:
            self.family_name = "helvetica"
        self.add_page()

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
