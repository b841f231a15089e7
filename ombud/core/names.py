"""People's names as their own language writes them."""

from __future__ import annotations

import re

# Han, kana and Hangul: names written in them put the family name first, with no space (赵强, 김민준).
_FAMILY_FIRST = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def full_name(first_name: str, last_name: str) -> str:
    """ "Ann Lee", but "赵强" for given name 强 and family name 赵: an imported Chinese or Korean roster
    would otherwise read "强 赵"."""
    first, last = first_name.strip(), last_name.strip()
    # Both wholly in those scripts: a placeholder such as "民警 A17" for a missing family name is not one.
    if first and last and _FAMILY_FIRST.fullmatch(first) and _FAMILY_FIRST.fullmatch(last):
        return f"{last}{first}"
    return f"{first} {last}".strip()
