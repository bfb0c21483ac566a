"""Every sentence intake's API says, in Kazakh, Russian and English.

Keys are the codes the schemas (`services.intake.schemas`) and the rules (`services.intake.rules`)
produce, plus the titles and details of problem responses (`problem.<code>.title|detail`). The rules'
own catalog, when it has one, is merged in: a code is translated wherever it comes from.
"""

from __future__ import annotations

from collections.abc import Mapping

from shared import problems
from shared.i18n import Catalog

_SCHEMA: dict[str, dict[str, str]] = {
    "required": {"kk": "міндетті өріс", "ru": "обязательное поле", "en": "this field is required"},
    "null": {
        "kk": "мән бос болмауы керек",
        "ru": "значение не может быть пустым (null)",
        "en": "this field may not be null",
    },
    "invalid": {"kk": "мән жарамсыз", "ru": "недопустимое значение", "en": "invalid value"},
    "unknown_field": {"kk": "белгісіз өріс", "ru": "неизвестное поле", "en": "unknown field"},
    "type_string": {"kk": "мәтін болуы керек", "ru": "ожидается строка", "en": "must be a string"},
    "type_integer": {
        "kk": "бүтін сан болуы керек",
        "ru": "ожидается целое число",
        "en": "must be an integer",
    },
    "type_boolean": {
        "kk": "true немесе false болуы керек",
        "ru": "ожидается true или false",
        "en": "must be true or false",
    },
    "type_date": {
        "kk": "күн ЖЖЖЖ-АА-КК пішімінде болуы керек",
        "ru": "ожидается дата в формате ГГГГ-ММ-ДД",
        "en": "must be a date as YYYY-MM-DD",
    },
    "type_list": {"kk": "тізім болуы керек", "ru": "ожидается список", "en": "must be a list"},
    "type_object": {
        "kk": "JSON нысаны болуы керек",
        "ru": "ожидается JSON-объект",
        "en": "must be a JSON object",
    },
    "invalid_email": {
        "kk": "электрондық пошта мекенжайы жарамсыз",
        "ru": "недопустимый адрес электронной почты",
        "en": "not a valid email address",
    },
    "length": {
        "kk": "ұзындығы {min}–{max} таңба болуы керек",
        "ru": "длина должна быть от {min} до {max}",
        "en": "length must be between {min} and {max}",
    },
    "range": {
        "kk": "мән {min}–{max} аралығында болуы керек",
        "ru": "значение должно быть от {min} до {max}",
        "en": "must be between {min} and {max}",
    },
    "one_of": {
        "kk": "мүмкін мәндер: {choices}",
        "ru": "допустимые значения: {choices}",
        "en": "must be one of: {choices}",
    },
    "invalid_json": {
        "kk": "JSON оқылмады: {reason}",
        "ru": "не удалось разобрать JSON: {reason}",
        "en": "not valid JSON: {reason}",
    },
    "idempotency_key_invalid": {
        "kk": "Idempotency-Key 1–255 басып шығарылатын ASCII таңбасы болуы керек",
        "ru": "Idempotency-Key должен содержать от 1 до 255 печатных символов ASCII",
        "en": "Idempotency-Key must be 1-255 printable ASCII characters",
    },
    "part_missing": {
        "kk": "multipart сұрауында «nomination» бөлігі жоқ",
        "ru": "в multipart-запросе нет части «nomination»",
        "en": "the multipart request has no “nomination” part",
    },
}

_INTAKE: dict[str, dict[str, str]] = {
    "college_unknown": {
        "kk": "мұндай колледж анықтамалықта жоқ: {code}",
        "ru": "колледжа с кодом {code} нет в справочнике",
        "en": "no college with code {code} in the reference data",
    },
    "college_inactive": {
        "kk": "колледж {code} белсенді емес",
        "ru": "колледж {code} неактивен",
        "en": "college {code} is no longer active",
    },
    "year_not_open": {
        "kk": "{year} жылға ұсыну әлі ашылған жоқ",
        "ru": "приём заявок на {year} год ещё не открыт",
        "en": "nominations for {year} are not open yet",
    },
    "statements_empty": {
        "kk": "кем дегенде бір тілде өтініш мәтіні қажет",
        "ru": "нужен текст хотя бы на одном языке",
        "en": "at least one statement (kk, ru or en) is required",
    },
    "consent_required": {
        "kk": "келісім берілуі керек (true)",
        "ru": "согласие обязательно (true)",
        "en": "consent must be given (true)",
    },
    "guardian_required": {
        "kk": "студент 18 жасқа толмаған: ата-ананың немесе қамқоршының келісімі қажет",
        "ru": "студенту нет 18 лет: нужно согласие родителя или опекуна",
        "en": "the student is under 18: a parent's or guardian's consent is required",
    },
    "achievement_year_future": {
        "kk": "жетістік жылы ({value}) ұсыну жылынан кейін болмауы керек",
        "ru": "год достижения ({value}) не может быть позже года выдвижения",
        "en": "the achievement's year ({value}) is after the nomination's year",
    },
    "field_frozen": {
        "kk": "бұл өрісті өзгертуге болмайды; ұсынысты қайтарып алып, жаңасын жіберіңіз",
        "ru": "это поле нельзя изменить; отзовите заявку и подайте новую",
        "en": "this field cannot be changed; withdraw the nomination and submit a new one",
    },
    "field_closed": {
        "kk": "ұсыну мерзімі өтті: енді тек өтініш мәтіндері мен фотосуретті өзгертуге болады",
        "ru": "срок подачи прошёл: теперь можно менять только тексты и фотографию",
        "en": "submissions have closed: only the statements and the photo may change now",
    },
    "photo_not_jpeg": {
        "kk": "фотосурет JPEG болуы керек",
        "ru": "фотография должна быть в формате JPEG",
        "en": "the photo must be a JPEG image",
    },
    "photo_unreadable": {
        "kk": "фотосурет зақымдалған немесе толық жүктелмеген",
        "ru": "фотография повреждена или загружена не полностью",
        "en": "the photo is damaged or incomplete",
    },
    "photo_too_large": {
        "kk": "фотосурет {maximum} МБ-тан аспауы керек",
        "ru": "фотография должна быть не больше {maximum} МБ",
        "en": "the photo must be at most {maximum} MB",
    },
    "photo_too_many_pixels": {
        "kk": "фотосурет {maximum} мегапиксельден аспауы керек",
        "ru": "фотография должна быть не больше {maximum} мегапикселей",
        "en": "the photo must be at most {maximum} megapixels",
    },
    "photo_too_small": {
        "kk": "фотосуреттің қысқа жағы кемінде {minimum} px болуы керек ({width}×{height})",
        "ru": "короткая сторона фотографии должна быть не меньше {minimum} px ({width}×{height})",
        "en": "the photo's short side must be at least {minimum} px ({width}×{height})",
    },
    "photo_empty": {"kk": "фотосурет бос", "ru": "фотография пустая", "en": "the photo is empty"},
}


_PROBLEMS: dict[str, dict[str, str]] = {
    **problems.texts(
        "validation_failed",
        ("Сұрау қате", "Ұсыныстың кейбір өрістері қате; `errors` бөлімін қараңыз."),
        ("Ошибка в запросе", "Некоторые поля заявки заполнены неверно; см. `errors`."),
        ("Invalid request", "Some fields of the request are invalid; see `errors`."),
    ),
    **problems.texts(
        "college_quota_exceeded",
        ("Колледж квотасы толды", "Колледжден бір жылға {quota} ұсыныстан артық болмайды."),
        ("Квота колледжа исчерпана", "От колледжа не более {quota} заявок в год."),
        ("College quota exceeded", "A college may nominate at most {quota} students a year."),
    ),
    **problems.texts(
        "duplicate_student",
        ("Студент бұрын ұсынылған", "Бұл студент {year} жылы бұрын ұсынылған."),
        ("Студент уже выдвинут", "Этот студент уже выдвинут в {year} году."),
        ("Student already nominated", "This student has already been nominated for {year}."),
    ),
    **problems.texts(
        "deadline_passed",
        ("Мерзім өтті", "Мерзім {deadline} аяқталды."),
        ("Срок истёк", "Срок истёк {deadline}."),
        ("Deadline passed", "The deadline was {deadline}."),
    ),
    **problems.texts(
        "idempotency_key_reused",
        ("Idempotency-Key қайта қолданылды", "Бұл кілт басқа сұраумен бұрын қолданылған."),
        ("Idempotency-Key уже использован", "Этот ключ уже использован с другим запросом."),
        ("Idempotency-Key reused", "This key was already used with a different request."),
    ),
    **problems.texts(
        "nomination_withdrawn",
        ("Ұсыныс қайтарылып алынған", "Қайтарылып алынған ұсынысты өзгертуге болмайды."),
        ("Заявка отозвана", "Отозванную заявку нельзя изменить."),
        ("Nomination withdrawn", "A withdrawn nomination cannot be changed."),
    ),
    **problems.texts(
        "unauthorized",
        ("Кілт қажет", "Жарамды портал кілтін жіберіңіз: Authorization: Bearer <кілт>."),
        ("Нужен ключ", "Передайте действующий ключ портала: Authorization: Bearer <ключ>."),
        ("Key required", "Send a valid portal key: Authorization: Bearer <key>."),
    ),
    **problems.texts(
        "forbidden",
        ("Рұқсат жоқ", "Бұл кілт тек {region} өңіріне арналған."),
        ("Доступ запрещён", "Этот ключ действует только для региона {region}."),
        ("Forbidden", "This key is for the region {region} only."),
    ),
}


def _rules_catalog() -> Mapping[str, Mapping[str, str]]:
    """The rules' own catalog when the rules package ships one (it owns the words of its codes)."""
    try:
        from services.intake.rules import messages as rules_messages
    except ImportError:
        return {}
    return getattr(rules_messages, "MESSAGES", None) or getattr(rules_messages, "CATALOG", {})


CATALOG: Catalog = {**_rules_catalog(), **_SCHEMA, **_INTAKE, **problems.CATALOG, **_PROBLEMS}
