"""Every page a persona reaches from his home page renders in each language the site offers: no
translation breaks a page (a placeholder lost in a catalogue is a server error), and the page is
in the language asked for. docs/translation.md."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from ombud.intake.models import Category, category_label
from tests.conftest import Force, Login, in_language

pytestmark = pytest.mark.django_db

OFFERED = [code for code, _name in settings.LANGUAGES if code != "en"]
# Links that are not pages to read (leaving, switching language, the admin site, files).
SKIP = ("/accounts/logout/", "/i18n/", "/admin/", "/static/", "/media/")
MAX_PAGES = 40


def links(page: str) -> set[str]:
    out = set()
    for href in re.findall(r'href="([^"#]+)"', page):
        path = urlsplit(href).path
        if path.startswith("/") and not path.startswith(SKIP) and "/files/" not in path:
            out.add(href.replace("&amp;", "&"))
    return out


@pytest.mark.parametrize("language", OFFERED)
@pytest.mark.parametrize("persona", ["alice", "bob", "dave", "erin", "frank", "admin"])
def test_every_page_a_persona_reaches_renders_in_the_language_asked_for(
    login: Login, persona: str, language: str
) -> None:
    client: Client = login(persona)
    home = client.get(reverse("home"), headers={"accept-language": language})
    assert home.status_code == 200
    assert in_language(language, "Home") in home.content.decode()
    # Three clicks deep: the lists, what they list (a case, a complaint, a dossier), and what that links to.
    seen, frontier = {reverse("home")}, links(home.content.decode())
    for _depth in range(3):
        found: set[str] = set()
        for url in sorted(frontier - seen)[:MAX_PAGES]:
            seen.add(url)
            response = client.get(url, headers={"accept-language": language})
            assert response.status_code < 500, f"{url} in {language}"
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                page = response.content.decode()
                assert f'<html lang="{language}"' in page, url
                found |= links(page)
        frontier = found
    assert len(seen) >= 4


def test_a_seeded_category_reads_in_the_language_asked_for_and_an_entered_one_as_entered(
    login: Login, force: Force
) -> None:
    client = login("alice")
    case = force.cases["a"]
    url = reverse("case_detail", args=[case.pk])
    allegation = force.allegations["frank"].pk

    def heading(language: str) -> str:
        page = client.get(url, headers={"accept-language": language}).content.decode()
        found = re.search(rf'<article class="item" id="allegation-{allegation}">\s*<h3>(.*?)</h3>', page, re.S)
        assert found, page
        return found.group(1)

    assert in_language("zh-hans", "Concealing or diverting grain") in heading("zh-hans")
    assert "Concealing or diverting grain" in heading("en")
    # A name an administrator gave is his, in every language.
    Category.objects.filter(code="grain_diversion").update(name="Grain hidden from the state store")
    assert (
        "Grain hidden from the state store"
        in client.get(url, headers={"accept-language": "zh-hans"}).content.decode()
    )


def test_only_the_seeded_category_names_are_translated() -> None:
    with translation.override("zh-hans"):
        assert category_label("Other") == translation.gettext("Other") != "Other"
        # An imported category that happens to share a word with the site's buttons keeps its name.
        assert translation.gettext("Open") != "Open" and category_label("Open") == "Open"
        assert category_label("") == ""
