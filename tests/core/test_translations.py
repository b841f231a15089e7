"""The translation catalogues (ombud/locale): what the web process loads (the compiled ``.mo``) is
what the ``.po`` a translator edits says, no translation drops or invents a placeholder (which
would fail the page with a KeyError), and every string of the public pages a complainant sees is
translated in every language the site offers."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[-#0 +]*\d*(?:\.\d+)?[sdfr]|%[sdfr]|%%|\{[a-z_0-9]*\}")
# The pages of someone who files or follows a complaint, and the public figures (see docs/portal.md).
PUBLIC = re.compile(
    r"^(intake/templates/intake/(report|receipt|status|status_ask|proof|throttled|_complaint_fields|_field|"
    r"_subjects)\.html|intake/(forms|views|services|models|receipts|proofs|throttles|api)\.py|transparency/.*|"
    r"templates/(base|404|403_barred|403_csrf|_pages)\.html|core/files\.py|settings\.py|intake/migrations/0002_seed_categories\.py)$"
)


class Entry:
    def __init__(self) -> None:
        self.locations: list[str] = []
        self.flags: set[str] = set()
        self.context = ""
        self.msgid = ""
        self.plural = ""
        self.strings: list[str] = []


def read_po(path: Path) -> list[Entry]:
    """The entries of a gettext catalogue as ``makemessages`` writes it (enough of the format for that)."""
    entries, entry, field = [], Entry(), ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry.msgid or entry.strings:
                entries.append(entry)
            entry, field = Entry(), ""
        elif line.startswith("#:"):
            entry.locations += [ref.rsplit(":", 1)[0] for ref in line[2:].split()]
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        else:
            keyword, _, rest = line.partition(" ")
            if line.startswith('"'):
                keyword, rest = field, line
            text = ast.literal_eval(rest)
            field = keyword
            if keyword == "msgctxt":
                entry.context += text
            elif keyword == "msgid":
                entry.msgid += text
            elif keyword == "msgid_plural":
                entry.plural += text
            elif keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if "[" in keyword else 0
                while len(entry.strings) <= index:
                    entry.strings.append("")
                entry.strings[index] += text
    return entries


def catalogues() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / "django.po").exists())


def test_every_language_the_site_offers_has_a_catalogue() -> None:
    # A locale directory is named as to_locale names it: zh-hans is zh_Hans.
    offered = {to_locale(code) for code, _name in settings.LANGUAGES if code != "en"}
    assert offered and offered <= set(catalogues())


@pytest.mark.parametrize("language", catalogues())
def test_the_compiled_catalogue_is_the_one_translators_edit(language: str) -> None:
    folder = LOCALE / language / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in read_po(folder / "django.po"):
        if not entry.msgid or "fuzzy" in entry.flags or not all(entry.strings):
            continue
        key = f"{entry.context}\x04{entry.msgid}" if entry.context else entry.msgid
        if entry.plural:
            assert compiled.ngettext(key, entry.plural, 1) == entry.strings[0], entry.msgid
        else:
            assert compiled.gettext(key) == entry.strings[0], (
                f"{language}: {entry.msgid!r} is stale: make messages"
            )


@pytest.mark.parametrize("language", catalogues())
def test_translations_keep_every_placeholder(language: str) -> None:
    for entry in read_po(LOCALE / language / "LC_MESSAGES" / "django.po"):
        if not entry.msgid:
            continue
        for text in filter(None, entry.strings):
            found = PLACEHOLDER.findall(text)
            if entry.plural:
                # A plural form may leave out the count ("last year"), never name what neither English form does.
                assert set(found) <= set(PLACEHOLDER.findall(entry.msgid + entry.plural)), f"{language}: {text!r}"
            else:
                assert sorted(found) == sorted(PLACEHOLDER.findall(entry.msgid)), (
                    f"{language}: {entry.msgid!r} -> {text!r}"
                )


@pytest.mark.parametrize("language", catalogues())
def test_the_public_pages_are_translated_in_full(language: str) -> None:
    missing = [
        entry.msgid
        for entry in read_po(LOCALE / language / "LC_MESSAGES" / "django.po")
        if entry.msgid
        and any(PUBLIC.match(location) for location in entry.locations)
        and ("fuzzy" in entry.flags or not all(entry.strings))
    ]
    assert not missing, f"{language}: translate these (docs/translation.md): {missing[:5]}"


@pytest.mark.parametrize("language", ["ko", "zh-hans"])
def test_every_model_and_field_is_named_in_the_reader_s_language(language: str) -> None:
    # The names the admin's forms and lists, the browsable API's forms and error messages show:
    # a field without a translatable name shows its attribute name in English ("routed to").
    from django.apps import apps
    from django.utils import translation

    english: list[str] = []
    with translation.override(language):
        for model in apps.get_models():
            if not model.__module__.startswith("ombud."):
                continue
            names = [model._meta.verbose_name, model._meta.verbose_name_plural]
            names += [
                field.verbose_name
                for field in model._meta.get_fields()
                if hasattr(field, "verbose_name") and not field.auto_created
            ]
            with translation.override("en"):
                originals = [str(name) for name in names]
            english += [
                f"{model.__name__}: {original}"
                for name, original in zip(names, originals, strict=True)
                if str(name) == original and original != "ID"
            ]
    assert not english, english[:10]
