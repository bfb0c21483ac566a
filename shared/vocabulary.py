"""The programme's own words that every service shows people: its name, nomination categories, the
levels of an achievement and the names of the three languages. Categories follow the regulation
(docs/rules.md, "Who may be nominated").

The codes are the intake contract's; the words (English msgids, translated in the shared catalogs)
are what a commission member, a media editor or a student reads instead of a code.
"""

from __future__ import annotations

from shared.i18n import N_, Plural, Text

#: The programme's one name, as the regulation writes it: «ҚР колледждерінің ТОП 100 студенті»,
#: «ТОП 100 студентов колледжей РК». Page headers, banners and letters all say this, never a variant.
PROGRAMME: str = N_("TOP 100 college students of Kazakhstan")

CATEGORIES: dict[str, str] = {
    "leadership": N_("Leadership, student self-government, volunteering"),
    "skills_contests": N_("WorldSkills and professional skills contests"),
    "science_creativity_sport": N_("Science, creativity, sport, projects and start-ups"),
    "youth_policy": N_("State youth policy programmes"),
    "youth_organisations": N_("Youth organisations"),
}

LANGUAGE_NAMES: dict[str, str] = {
    # TRANSLATORS: the name of a language, in lower case where the language writes it so.
    "kk": N_("Kazakh"),
    "ru": N_("Russian"),
    "en": N_("English"),
}

LEVELS: dict[str, str] = {
    # TRANSLATORS: the level of an achievement (a contest won at the college, city, region...).
    "college": N_("college level"),
    "city": N_("city"),
    "regional": N_("regional"),
    "national": N_("national"),
    "international": N_("international"),
}

#: Each kind of code a page names in words (`term("category", code)`).
ROLES: dict[str, str] = {
    # TRANSLATORS: a person's role in the programme, shown next to their name at the top of a page.
    "regional_member": N_("regional commission member"),
    "regional_chair": N_("regional commission chair"),
    "national_member": N_("working group member"),
    "national_chair": N_("working group chair"),
    "media": N_("media team"),
    "admin": N_("administrator"),
}

TERMS: dict[str, dict[str, str]] = {
    "category": CATEGORIES,
    "language": LANGUAGE_NAMES,
    "level": LEVELS,
    "role": ROLES,
}


#: What a refused part of a person's name says (`shared.names.check`), after the field it names: a
#: student's name at intake and an account's at review, in the same words.
NAME_REFUSALS: dict[str, Text] = {
    "name_required": N_("is required"),
    "name_too_long": Plural(
        "%(length)s character; at most %(maximum)s are allowed",
        "%(length)s characters; at most %(maximum)s are allowed",
        "length",
    ),
    "name_invalid_characters": N_("contains characters not allowed in a name: %(characters)s"),
    "name_malformed": N_(
        "must begin and end with a letter, with a single space, hyphen or apostrophe between words"
    ),
    "name_mixed_scripts": N_("the word «%(word)s» mixes Cyrillic and Latin letters"),
}
