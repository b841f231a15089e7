"""PDFs draw Chinese and Korean with the machine's CJK font whatever else the machine lacks, and a
font setting that points at something else than a font never stops a report from being written."""

from __future__ import annotations

from pathlib import Path

import pytest

from ombud.core import pdf
from tests.conftest import cjk_font_required, pdf_text

WORDS = "举报 木山县 신고 무산군 report"


def text_of(document: pdf.Document) -> str:
    return pdf_text(document.bytes())


def test_without_dejavu_the_cjk_font_draws_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    cjk_font_required()
    monkeypatch.setattr(pdf, "_DEJAVU", [Path("/nowhere/DejaVuSans.ttf")])
    monkeypatch.setattr(pdf, "_DEJAVU_BOLD", [Path("/nowhere/DejaVuSans-Bold.ttf")])
    document = pdf.Document("t")
    document.heading(WORDS)
    document.para(WORDS)
    assert document.family_name == "wide"
    assert text_of(document).count(WORDS) == 2


def test_a_font_setting_that_is_no_font_falls_to_the_next_font(settings: object, tmp_path: Path) -> None:
    cjk_font_required()
    broken = tmp_path / "font.ttf"
    broken.write_bytes(b"this is not a font")
    settings.PDF_FONT = str(broken)  # type: ignore[attr-defined]
    document = pdf.Document("t")
    document.para(WORDS)
    assert WORDS in text_of(document)


def test_with_no_cjk_font_a_report_is_still_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "cjk_fonts", list)
    document = pdf.Document("t")
    document.para(WORDS)
    text = text_of(document)
    assert "report" in text and "举报" not in text
