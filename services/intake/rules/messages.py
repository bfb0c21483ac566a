"""The words for every `Problem` code the rules return, in kk/ru/en, for the API's `errors` lists.

Messages are written to follow a field path (`"student.iin": ["check digit does not match"]`), so
they start in lower case and do not repeat the field's name. The intake service's own catalog merges
this one; `describe` is the one way to turn a Problem into a sentence.
"""

from __future__ import annotations

from services.intake.rules.problems import Problem
from shared import vocabulary
from shared.i18n import Catalog, translate

_UNKNOWN_VALUE = {
    "kk": "белгісіз мән «{value}»; рұқсат етілгендері: {allowed}",
    "ru": "неизвестное значение «{value}»; допустимые: {allowed}",
    "en": "unknown value «{value}»; allowed: {allowed}",
}

MESSAGES: Catalog = {
    "iin_format": {
        "kk": "12 цифрдан тұруы керек",
        "ru": "должен состоять из 12 цифр",
        "en": "must be 12 digits",
    },
    "iin_century_digit": {
        "kk": "7-цифр ({digit}) 1-ден 6-ға дейін болуы керек (ғасыр мен жыныс)",
        "ru": "7-я цифра ({digit}) должна быть от 1 до 6 (век и пол)",
        "en": "the 7th digit ({digit}) must be 1-6 (century and sex)",
    },
    "iin_birth_date_invalid": {
        "kk": "алғашқы алты цифр нақты туған күнді білдірмейді",
        "ru": "первые шесть цифр не образуют существующую дату рождения",
        "en": "the first six digits are not a real date of birth",
    },
    "iin_check_digit": {
        "kk": "бақылау цифры сәйкес келмейді",
        "ru": "контрольная цифра не совпадает",
        "en": "check digit does not match",
    },
    "iin_birth_date_mismatch": {
        "kk": "ЖСН бойынша туған күн {iin_birth_date}, ал birth_date өрісінде {birth_date}",
        "ru": "по ИИН дата рождения {iin_birth_date}, а в birth_date указано {birth_date}",
        "en": "the IIN gives the birth date {iin_birth_date}, but birth_date is {birth_date}",
    },
    "birth_date_in_future": {
        "kk": "болашақтағы күн",
        "ru": "дата в будущем",
        "en": "is in the future",
    },
    "birth_date_implausible": {
        "kk": "жасы {age}; колледж студентінің жасы {minimum} мен {maximum} аралығында болуы керек",
        "ru": "возраст {age}; возраст студента колледжа — от {minimum} до {maximum} лет",
        "en": "gives an age of {age}; a college student is {minimum} to {maximum} years old",
    },
    "name_required": {
        "kk": "міндетті өріс",
        "ru": "обязательное поле",
        "en": "is required",
    },
    "name_too_long": {
        "kk": "{length} таңба; ең көбі {maximum} таңбаға рұқсат етіледі",
        "ru": "символов: {length}; допускается не более {maximum}",
        "en": "{length} characters; at most {maximum} are allowed",
    },
    "name_invalid_characters": {
        "kk": "атқа жарамсыз таңбалар бар: {characters}",
        "ru": "содержит недопустимые в имени символы: {characters}",
        "en": "contains characters not allowed in a name: {characters}",
    },
    "name_malformed": {
        "kk": "әріптен басталып, әріппен аяқталуы керек; сөздер бір бос орынмен, дефиспен немесе "
        "апострофпен бөлінеді",
        "ru": "должно начинаться и заканчиваться буквой; слова разделяются одним пробелом, дефисом "
        "или апострофом",
        "en": "must begin and end with a letter, with a single space, hyphen or apostrophe between words",
    },
    "name_mixed_scripts": {
        "kk": "«{word}» сөзінде кирилл және латын әріптері араласып кеткен",
        "ru": "в слове «{word}» смешаны кириллица и латиница",
        "en": "the word «{word}» mixes Cyrillic and Latin letters",
    },
    "phone_format": {
        "kk": "+7 және 10 цифр түрінде болуы керек",
        "ru": "должен быть в формате +7 и 10 цифр",
        "en": "must be +7 and 10 digits",
    },
    "phone_not_mobile": {
        "kk": "{prefix} — Қазақстанның ұялы байланыс коды емес",
        "ru": "{prefix} — не код мобильной связи Казахстана",
        "en": "{prefix} is not a Kazakhstan mobile code",
    },
    "academic_standing_satisfactory": {
        "kk": "«қанағаттанарлық» бағасы бар студентті ұсынуға болмайды",
        "ru": "студента с оценкой «удовлетворительно» выдвинуть нельзя",
        "en": "a student with a «satisfactory» grade cannot be nominated",
    },
    "academic_standing_unknown": _UNKNOWN_VALUE,
    "categories_empty": {
        "kk": "кемінде бір санат қажет",
        "ru": "нужна хотя бы одна категория",
        "en": "at least one category is required",
    },
    "category_unknown": _UNKNOWN_VALUE,
    "category_duplicate": {
        "kk": "«{value}» бірнеше рет көрсетілген",
        "ru": "«{value}» указана более одного раза",
        "en": "«{value}» is given more than once",
    },
    "achievement_level_unknown": _UNKNOWN_VALUE,
    "achievements_empty": {
        "kk": "кемінде бір жетістік қажет",
        "ru": "нужно хотя бы одно достижение",
        "en": "at least one achievement is required",
    },
    "achievements_too_many": {
        "kk": "жетістіктер саны: {count}; ең көбі {maximum} рұқсат етіледі",
        "ru": "достижений: {count}; допускается не более {maximum}",
        "en": "{count} achievements; at most {maximum} are allowed",
    },
    "college_quota_exceeded": {
        "kk": "колледжде осы жылы {active} белсенді ұсыныс бар; шегі — {quota}",
        "ru": "действующих выдвижений колледжа в этом году: {active}; предел — {quota}",
        "en": "the college already has {active} active nominations this year; the limit is {quota}",
    },
    "region_quota_exceeded": {
        "kk": "өңірден {active} үміткер жіберілген; шегі — {quota}",
        "ru": "кандидатов от региона: {active}; предел — {quota}",
        "en": "the region already sends {active} candidates; the limit is {quota}",
    },
    "statement_language_key_unknown": {
        "kk": "белгісіз тіл «{key}»; рұқсат етілгендері: kk, ru, en",
        "ru": "неизвестный язык «{key}»; допустимые: kk, ru, en",
        "en": "unknown language «{key}»; allowed: kk, ru, en",
    },
    "statement_too_short": {
        "kk": "сөз саны: {words}; кемінде {minimum} сөз қажет",
        "ru": "слов: {words}; требуется не менее {minimum}",
        "en": "{words} words; at least {minimum} are required",
    },
    "statement_too_long": {
        "kk": "{characters} таңба; ең көбі {maximum} таңбаға рұқсат етіледі",
        "ru": "символов: {characters}; допускается не более {maximum}",
        "en": "{characters} characters; at most {maximum} are allowed",
    },
    "statement_latin_kazakh": {
        "kk": "мәтін латын әрпімен жазылған қазақ тіліне ұқсайды; талап етілетін тіл: {expected}; "
        "қазақша мәтін кирилл әрпімен қабылданады",
        "ru": "текст похож на казахский, написанный латиницей; требуемый язык: {expected}; "
        "казахский текст принимается на кириллице",
        "en": "the text looks like Kazakh written in Latin letters; required language: {expected}; "
        "Kazakh is accepted in Cyrillic script",
    },
    "statement_language_unknown": {
        "kk": "мәтіннің тілі анықталмады; талап етілетін тіл: {expected}",
        "ru": "не удалось определить язык текста; требуемый язык: {expected}",
        "en": "the language of the text could not be determined; required language: {expected}",
    },
    "statement_wrong_language": {
        "kk": "мәтін тілі: {detected}; талап етілетін тіл: {expected}",
        "ru": "язык текста: {detected}; требуемый язык: {expected}",
        "en": "text language: {detected}; required language: {expected}",
    },
    "statement_mixed_languages": {
        "kk": "мәтіннің едәуір бөлігі басқа тілде ({detected}); бүкіл мәтін талап етілетін тілде болуы "
        "керек: {expected}",
        "ru": "значительная часть текста на другом языке ({detected}); весь текст должен быть на "
        "требуемом языке: {expected}",
        "en": "a large part of the text is in another language ({detected}); the whole statement must "
        "be in the required language: {expected}",
    },
}

_LANGUAGE_PARAMS = ("expected", "detected")


def describe(problem: Problem, language: str) -> str:
    """`problem` as a sentence in `language` (kk/ru/en; English for anything else).

    Language codes in `expected`/`detected` are named in the reader's language ("Kazakh", "казахский").
    """
    params = dict(problem.params)
    for name in _LANGUAGE_PARAMS:
        value = params.get(name)
        if isinstance(value, str) and f"language.{value}" in vocabulary.CATALOG:
            params[name] = translate(vocabulary.CATALOG, f"language.{value}", language)
    return translate(MESSAGES, problem.code, language, **params)
