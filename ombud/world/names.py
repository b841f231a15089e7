"""Words the simulator builds names and texts from. Texts describe what a complainant saw, never what
the simulator knows (no word of the ground truth appears in them)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FAMILY = [
    "Kim",
    "Lee",
    "Park",
    "Choi",
    "Jung",
    "Kang",
    "Cho",
    "Yoon",
    "Jang",
    "Lim",
    "Han",
    "Oh",
    "Seo",
    "Shin",
    "Kwon",
    "Hwang",
    "Ahn",
    "Song",
    "Ryu",
    "Hong",
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Lin",
    "Luo",
    "Gao",
    "Zheng",
    "Liang",
    "Tran",
    "Nguyen",
    "Pham",
    "Hoang",
    "Phan",
    "Vu",
    "Dang",
    "Bui",
    "Do",
    "Ho",
    "Ngo",
    "Duong",
    "Ly",
]
GIVEN_MALE = [
    "min",
    "jun",
    "seo",
    "woo",
    "hyun",
    "jin",
    "sung",
    "ho",
    "young",
    "chul",
    "dong",
    "gun",
    "tae",
    "hoon",
    "bao",
    "long",
    "quang",
    "minh",
    "wei",
    "jian",
    "ming",
    "qiang",
    "lei",
    "hao",
    "tao",
    "gang",
    "yong",
    "bin",
]
GIVEN_FEMALE = [
    "hye",
    "ji",
    "eun",
    "soo",
    "yeon",
    "mi",
    "na",
    "ra",
    "hee",
    "kyung",
    "lan",
    "mei",
    "hua",
    "xiu",
    "ying",
    "li",
    "fang",
    "jing",
    "yan",
    "linh",
    "thu",
    "hoa",
    "ngoc",
    "anh",
    "mai",
    "lian",
    "qing",
]
PLACE_SYLLABLES = [
    "dong",
    "san",
    "bae",
    "gol",
    "cheon",
    "hwa",
    "song",
    "nam",
    "buk",
    "seo",
    "ma",
    "han",
    "yang",
    "gok",
    "am",
    "pyeong",
    "mun",
    "jin",
    "sin",
    "hae",
    "ok",
    "gu",
    "da",
    "lin",
    "shui",
    "he",
    "qiao",
    "tang",
    "wan",
    "hong",
    "bai",
    "shan",
    "ping",
    "an",
    "xi",
    "ning",
    "feng",
    "tian",
    "lu",
    "bac",
    "hai",
    "thanh",
]

RANKS = ("Constable", "Senior Constable", "Sergeant", "Inspector", "Senior Inspector", "Superintendent")

CATEGORY_CODES = (
    "bribery",
    "collusion",
    "grain_diversion",
    "cover_up",
    "abuse_of_authority",
    "use_of_force",
    "neglect",
    "discourtesy",
    "other",
)
CATEGORY_LABELS = (
    "Bribery",
    "Collusion",
    "Grain diversion",
    "Cover-up",
    "Abuse of authority",
    "Use of force",
    "Neglect of duty",
    "Discourtesy",
    "Other",
)
# Serious categories: bribery, collusion, grain diversion, cover-up, use of force.
SERIOUS = np.array([True, True, True, True, False, True, False, False, False])
# Categories in which ring officials are named with the officer.
RING_CATEGORIES = np.array([False, True, True, True, False, False, False, False, False])
# How grave a sustained allegation of each category is (picks the measure).
SEVERITY = np.array([3, 3, 3, 2, 2, 2, 1, 0, 0])

GOODS = ("money", "cigarettes", "liquor", "grain")

TEMPLATES: dict[str, tuple[str, ...]] = {
    "bribery": (
        "At {place} the officer asked for {goods} before he would register our matter.",
        "He came to {place} and let it be known that {goods} would make the case go away.",
        "My brother paid {goods} to the officer so that the fine at {place} was forgotten.",
    ),
    "collusion": (
        "The officer and the committee at {place} decide everything together; reports to him reach them first.",
        "Whatever we tell the officer about the {place} committee, the committee hears it the same evening.",
        "The officer drinks with the secretary of {place} and our complaints about them go nowhere.",
    ),
    "grain_diversion": (
        "Grain from the {place} store was loaded at night; the officer stood by and did nothing.",
        "The harvest figures for {place} were lowered and the difference sold; the officer knew.",
        "Sacks from the {place} granary went missing again and the officer told us to keep quiet.",
    ),
    "cover_up": (
        "When the technician at {place} was reported, the officer closed the matter without asking anyone.",
        "The officer tore up the report about the {place} accounts in front of us.",
        "Our written complaint about {place} was returned to the people we complained about.",
    ),
    "abuse_of_authority": (
        "The officer ordered us off our own field at {place} without any paper.",
        "He held my son at the {station} station for two days with no reason given.",
        "The officer took our cart at {place} for his own use and never returned it.",
    ),
    "use_of_force": (
        "The officer struck my husband during a quarrel at {place}.",
        "At {place} the officer pushed an old man to the ground.",
        "My son came back from the {station} station with bruises.",
    ),
    "neglect": (
        "We reported a theft at {place} three times and nobody came.",
        "The officer did not come when the fight at {place} broke out.",
        "Our report at the {station} station was never written down.",
    ),
    "discourtesy": (
        "The officer shouted at my mother at {place} and called her names.",
        "At the {station} station we were laughed at and sent away.",
        "The officer was rude to everyone at the {place} meeting.",
    ),
    "other": (
        "Something is wrong with how the officer handles matters at {place}.",
        "The officer at {place} does not wear his badge and will not say his name.",
        "We want someone to look at what happens at the {station} station.",
    ),
}


def pick(rng: np.random.Generator, words: tuple[str, ...] | list[str], n: int) -> NDArray[np.int64]:
    return rng.integers(0, len(words), size=n, dtype=np.int64)


def person_names(rng: np.random.Generator, female: NDArray[np.bool_]) -> tuple[list[str], list[str]]:
    """First and family names for len(female) people."""
    n = len(female)
    family = pick(rng, FAMILY, n)
    first = rng.integers(0, len(GIVEN_MALE), size=n)
    second = rng.integers(0, len(GIVEN_MALE), size=n)
    firsts = []
    for i in range(n):
        pool = GIVEN_FEMALE if female[i] else GIVEN_MALE
        a, b = pool[first[i] % len(pool)], pool[second[i] % len(pool)]
        firsts.append((a + ("-" if a[-1] == b[0] else "") + b).capitalize())
    return firsts, [FAMILY[k] for k in family]


def place_names(rng: np.random.Generator, n: int) -> list[str]:
    a = pick(rng, PLACE_SYLLABLES, n)
    b = pick(rng, PLACE_SYLLABLES, n)
    return [(PLACE_SYLLABLES[i] + PLACE_SYLLABLES[j]).capitalize() for i, j in zip(a, b, strict=True)]


def goods_phrase(goods: int, value: int) -> str:
    if goods == 0:
        return f"{value} in cash"
    if goods == 1:
        return f"{max(1, value // 25)} cartons of cigarettes"
    if goods == 2:
        return f"{max(1, value // 40)} bottles of liquor"
    return f"{max(1, value // 60)} sacks of grain"
