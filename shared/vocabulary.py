"""The programme's own words that every service shows people: nomination categories, the levels of
an achievement and the names of the three languages, in kk/ru/en. Categories follow the regulation
(docs/rules.md, "Who may be nominated").

The codes are the intake contract's; the words are what a commission member, a media editor or a
student reads instead of a code.
"""

from __future__ import annotations

from shared.i18n import Catalog

CATALOG: Catalog = {
    "category.leadership": {
        "kk": "Көшбасшылық, студенттік өзін-өзі басқару, волонтерлік",
        "ru": "Лидерство, студенческое самоуправление, волонтёрство",
        "en": "Leadership, student self-government, volunteering",
    },
    "category.skills_contests": {
        "kk": "WorldSkills және кәсіби шеберлік байқаулары",
        "ru": "WorldSkills и конкурсы профессионального мастерства",
        "en": "WorldSkills and professional skills contests",
    },
    "category.science_creativity_sport": {
        "kk": "Ғылым, шығармашылық, спорт, жобалар мен стартаптар",
        "ru": "Наука, творчество, спорт, проекты и стартапы",
        "en": "Science, creativity, sport, projects and start-ups",
    },
    "category.youth_policy": {
        "kk": "Мемлекеттік жастар саясатының бағдарламалары",
        "ru": "Программы государственной молодёжной политики",
        "en": "State youth policy programmes",
    },
    "category.youth_organisations": {
        "kk": "Жастар ұйымдарының өкілі",
        "ru": "Представитель молодёжных организаций",
        "en": "Youth organisations",
    },
    "language.kk": {"kk": "қазақ тілі", "ru": "казахский", "en": "Kazakh"},
    "language.ru": {"kk": "орыс тілі", "ru": "русский", "en": "Russian"},
    "language.en": {"kk": "ағылшын тілі", "ru": "английский", "en": "English"},
    "level.college": {"kk": "колледж деңгейі", "ru": "уровень колледжа", "en": "college level"},
    "level.city": {"kk": "қалалық", "ru": "городской", "en": "city"},
    "level.regional": {"kk": "өңірлік", "ru": "региональный", "en": "regional"},
    "level.national": {"kk": "республикалық", "ru": "республиканский", "en": "national"},
    "level.international": {"kk": "халықаралық", "ru": "международный", "en": "international"},
}
