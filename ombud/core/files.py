"""Files people hand in (complaint attachments, evidence): checked by content, not by name; a
complainant's images re-encoded and PDFs rewritten without their metadata (GPS position, camera,
author, the program and account that wrote them); stored by SHA-256
through Django's storage API, so the same bytes are kept once and an object store can replace
the local folder."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024

# Signatures of the types we accept; anything else is refused whatever its name says.
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
_IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}


class FileRefused(ValueError):
    def __init__(self, name: str, why: str) -> None:
        super().__init__(f"{name}: {why}")
        self.name = name
        self.why = why


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    name: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if _looks_like_text(data):
        return "text/plain"
    return None


def _looks_like_text(data: bytes) -> bool:
    try:
        text = data[:4096].decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ch.isprintable() or ch in "\r\n\t" for ch in text)


def strip_image_metadata(data: bytes, content_type: str) -> bytes:
    """Re-encode only the pixels: EXIF, XMP, ICC comments and text chunks do not survive."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        # Turn the pixels upright first: the orientation tag goes with the rest of the metadata.
        upright = ImageOps.exif_transpose(image) or image
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        palette = upright.getpalette() if upright.mode == "P" else None
        if palette:
            clean.putpalette(palette)
        out = io.BytesIO()
        fmt = _IMAGE_FORMATS.get(content_type, "PNG")
        clean.save(out, format=fmt, **({"quality": 90} if fmt == "JPEG" else {}))
        return out.getvalue()


# JPEG markers that carry metadata (APP1 Exif/XMP, APP2-APP13 incl. IPTC, APP15, comments); APP0
# (JFIF) and APP14 (Adobe: how to read the colours) are kept.
_JPEG_METADATA = {*range(0xE1, 0xEE), 0xEF, 0xFE}


def strip_jpeg_segments(data: bytes) -> bytes:
    """The JPEG without its metadata segments, pixels untouched (for pictures inside a PDF, whose
    re-encoding would change the document); data that is not a well-formed JPEG is left as it is."""
    if not data.startswith(b"\xff\xd8"):
        return data
    out, i = bytearray(b"\xff\xd8"), 2
    while i + 4 <= len(data) and data[i] == 0xFF:
        marker = data[i + 1]
        if marker == 0xDA:  # start of scan: the compressed pixels follow to the end
            out += data[i:]
            return bytes(out)
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        if length < 2 or i + 2 + length > len(data):
            return data
        if marker not in _JPEG_METADATA:
            out += data[i : i + 2 + length]
        i += 2 + length
    return data


def strip_pdf_metadata(data: bytes) -> bytes:
    """Rewrite the PDF without what can name or place its author: the document information
    (author, creator program, dates), XMP metadata on any object, annotations' authors, the file
    identifier, and the metadata segments of the JPEG pictures inside it (GPS, camera, artist);
    earlier revisions appended to the file are dropped too, as only what the document shows now is
    copied. What the document itself says is kept. Raises ValueError for a PDF that cannot be read
    or that opens only with a password (a PDF merely restricted by its author opens without one)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValueError("encrypted")
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        writer._ID = None  # the identifier ties the stored copy to the one on the complainant's phone
        for obj in writer._objects:
            target = obj.get_object() if obj is not None else None
            if not isinstance(target, DictionaryObject):
                continue
            target.pop(NameObject("/Metadata"), None)
            # An annotation (a comment, a highlight) names its author in /T; a form field's /T is its name.
            if "/Rect" in target and "/Subtype" in target and "/FT" not in target:
                for key in ("/T", "/RC", "/M", "/CreationDate"):
                    target.pop(NameObject(key), None)
            if isinstance(target, StreamObject) and target.get("/Filter") in ("/DCTDecode", ["/DCTDecode"]):
                target._data = strip_jpeg_segments(target._data)
        out = io.BytesIO()
        writer.write(out)
    except Exception as exc:  # a damaged PDF fails inside pypdf in many ways: all mean "unreadable"
        raise ValueError(str(exc)) from None
    return out.getvalue()


_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "text/plain": "txt",
}


def attachment_name(content_type: str, number: int) -> str:
    """The name a complainant's file is kept under: "attachment-2.pdf". The name it had on the
    complainant's phone ("IMG_20250301_LiWei.pdf") can say who sent it, so it is not kept."""
    return f"attachment-{number}.{_EXTENSIONS.get(content_type, 'bin')}"


def clean_upload(name: str, data: bytes) -> tuple[bytes, str]:
    """The bytes to keep and their type, or FileRefused saying why, by the file's name."""
    safe_name = (name or "file").replace("/", "_").replace("\\", "_")[:200]
    if len(data) == 0:
        raise FileRefused(safe_name, _("the file is empty"))
    if len(data) > getattr(settings, "OMBUD_MAX_UPLOAD_BYTES", MAX_BYTES):
        raise FileRefused(safe_name, _("the file is larger than the limit"))
    content_type = sniff(data)
    if content_type is None:
        raise FileRefused(safe_name, _("this kind of file is not accepted (photos, PDF or text only)"))
    if content_type.startswith("image/"):
        if content_type == "image/webp":
            content_type = "image/png"
        try:
            data = strip_image_metadata(data, content_type)
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            raise FileRefused(safe_name, _("the image cannot be read")) from None
    elif content_type == "application/pdf":
        try:
            data = strip_pdf_metadata(data)
        except ValueError:
            raise FileRefused(
                safe_name, _("the PDF cannot be read, or is locked with a password (send it without one)")
            ) from None
    return data, content_type


def store_blob(data: bytes) -> str:
    """Store bytes under their SHA-256 and return it; existing content is never overwritten."""
    digest = hashlib.sha256(data).hexdigest()
    storage = storages["default"]
    path = blob_path(digest)
    if storage.exists(path):
        with storage.open(path, "rb") as handle:
            if hashlib.sha256(handle.read()).hexdigest() == digest:
                return digest
        # The stored copy was damaged: the bytes in hand are the true content of this address.
        storage.delete(path)
    storage.save(path, ContentFile(data))
    return digest


def blob_path(digest: str) -> str:
    return f"blobs/{digest[:2]}/{digest[2:4]}/{digest}"


def open_blob(digest: str) -> bytes:
    with storages["default"].open(blob_path(digest), "rb") as handle:
        return bytes(handle.read())
