"""What a complainant's PDF keeps: what the document says, not who wrote it, where, or with what."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from ombud.core.files import FileRefused, clean_upload, strip_jpeg_segments


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (16, 12), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SnoopCam"
    exif[0x013B] = "Li Wei 13800138000"
    exif[0x8825] = {1: "N", 2: (30.0, 15.0, 7.5), 3: "E", 4: (120.0, 5.0, 3.25)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"scanned by Li Wei")
    return out.getvalue()


def _scan_pdf(owner_password: str = "") -> bytes:
    """A phone's "scan to PDF": the photo embedded byte for byte, a comment with its author."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    photo = StreamObject()
    photo._data = _jpeg_with_gps()
    photo.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(16),
            NameObject("/Height"): NumberObject(12),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(photo)})}
    )
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): ArrayObject([FloatObject(10), FloatObject(10), FloatObject(30), FloatObject(30)]),
            NameObject("/T"): TextStringObject("Li Wei"),
            NameObject("/Contents"): TextStringObject("He took two sacks"),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(note)])
    writer.add_metadata({"/Author": "Li Wei"})
    if owner_password:
        writer.encrypt(user_password="", owner_password=owner_password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_scanned_pdf_loses_the_photos_gps_camera_artist_and_the_comments_author() -> None:
    original = _scan_pdf()
    assert b"SnoopCam" in original and b"Li Wei" in original
    kept, content_type = clean_upload("scan.pdf", original)
    assert content_type == "application/pdf"
    assert b"SnoopCam" not in kept and b"Li Wei" not in kept and b"13800138000" not in kept
    reader = PdfReader(io.BytesIO(kept))
    page = reader.pages[0]
    # What the document says stays: the picture (still a JPEG that opens) and the comment's text.
    photo = page["/Resources"]["/XObject"]["/Im0"].get_object()
    with Image.open(io.BytesIO(photo.get_data())) as image:
        assert image.size == (16, 12) and not image.getexif()
    assert page["/Annots"][0].get_object()["/Contents"] == "He took two sacks"


def test_a_pdf_restricted_by_its_author_but_open_to_read_is_kept() -> None:
    kept, _type = clean_upload("court-order.pdf", _scan_pdf(owner_password="clerk-of-court"))
    reader = PdfReader(io.BytesIO(kept))
    assert not reader.is_encrypted and len(reader.pages) == 1 and b"SnoopCam" not in kept


@pytest.mark.parametrize(
    "damaged",
    [
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R/ID[(x)]>>\n%%EOF",
        b"%PDF-1.7\n" + b"\x00" * 200,
        b"%PDF-",
    ],
)
def test_a_pdf_that_cannot_be_read_is_refused_by_name_not_a_crash(damaged: bytes) -> None:
    with pytest.raises(FileRefused) as refused:
        clean_upload("broken.pdf", damaged)
    assert refused.value.name == "broken.pdf"


def test_a_jpeg_loses_its_metadata_segments_and_keeps_its_pixels() -> None:
    photo = _jpeg_with_gps()
    stripped = strip_jpeg_segments(photo)
    assert b"SnoopCam" not in stripped and b"scanned by" not in stripped
    with Image.open(io.BytesIO(stripped)) as image, Image.open(io.BytesIO(photo)) as before:
        assert image.tobytes() == before.tobytes()
    assert strip_jpeg_segments(b"not a jpeg") == b"not a jpeg"
