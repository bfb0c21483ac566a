"""Every word review's pages show, in Kazakh, Russian and English (tested with `check_catalog`)."""

from __future__ import annotations

from shared import vocabulary

MESSAGES: dict[str, dict[str, str]] = {
    "site_title": {
        "kk": "ТжКБ колледждерінің ТОП 100 студенті",
        "ru": "ТОП 100 студентов колледжей ТиПО",
        "en": "TOP 100 college students",
    },
    "candidates": {"kk": "Кандидаттар", "ru": "Кандидаты", "en": "Candidates"},
    "region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "all_regions": {"kk": "Барлық өңірлер", "ru": "Все регионы", "en": "All regions"},
    "show": {"kk": "Көрсету", "ru": "Показать", "en": "Show"},
    "count": {"kk": "Барлығы: {count}", "ru": "Всего: {count}", "en": "Total: {count}"},
    "no_candidates": {
        "kk": "Әзірге кандидаттар жоқ.",
        "ru": "Кандидатов пока нет.",
        "en": "No candidates yet.",
    },
    "unknown_region": {
        "kk": "Мұндай өңір жоқ: {code}",
        "ru": "Неизвестный регион: {code}",
        "en": "Unknown region: {code}",
    },
    "not_found": {
        "kk": "Кандидат табылмады.",
        "ru": "Кандидат не найден.",
        "en": "Candidate not found.",
    },
    "name": {"kk": "Аты-жөні", "ru": "ФИО", "en": "Name"},
    "college": {"kk": "Колледж", "ru": "Колледж", "en": "College"},
    "year": {"kk": "Жыл", "ru": "Год", "en": "Year"},
    "specialty": {"kk": "Мамандық", "ru": "Специальность", "en": "Specialty"},
    "course": {"kk": "Курс", "ru": "Курс", "en": "Year of study"},
    "stage": {"kk": "Кезең", "ru": "Этап", "en": "Stage"},
    "status": {"kk": "Мәртебе", "ru": "Статус", "en": "Status"},
    "categories": {"kk": "Санаттар", "ru": "Категории", "en": "Categories"},
    "achievements": {"kk": "Жетістіктер", "ru": "Достижения", "en": "Achievements"},
    "statements": {"kk": "Жетістіктер туралы мәлімет", "ru": "Сведения о достижениях", "en": "Statements"},
    "no_statement": {
        "kk": "Бұл тілде мәтін жоқ.",
        "ru": "Текста на этом языке нет.",
        "en": "No text in this language.",
    },
    "photo": {"kk": "Фото", "ru": "Фото", "en": "Photo"},
    "back": {"kk": "Тізімге оралу", "ru": "К списку", "en": "Back to the list"},
    "stage.internal": {"kk": "Колледж ішіндегі", "ru": "Внутриколледжный", "en": "Internal (college)"},
    "stage.regional": {"kk": "Өңірлік", "ru": "Региональный", "en": "Regional"},
    "stage.republican": {"kk": "Республикалық", "ru": "Республиканский", "en": "Republican"},
    "status.nominated": {"kk": "Ұсынылған", "ru": "Выдвинут", "en": "Nominated"},
    "status.withdrawn": {"kk": "Кері қайтарылған", "ru": "Отозван", "en": "Withdrawn"},
    "photo.pending": {"kk": "Өңделуде", "ru": "В обработке", "en": "Being processed"},
    "photo.processed": {"kk": "Дайын", "ru": "Готово", "en": "Ready"},
    "photo.rejected": {
        "kk": "Қабылданбады: {reason}",
        "ru": "Отклонено: {reason}",
        "en": "Rejected: {reason}",
    },
    "reason.not_jpeg": {"kk": "JPEG емес", "ru": "не JPEG", "en": "not a JPEG"},
    "reason.too_small": {"kk": "тым кішкентай", "ru": "слишком маленькое", "en": "too small"},
    "reason.too_large": {"kk": "тым үлкен", "ru": "слишком большое", "en": "too large"},
    "reason.unreadable": {"kk": "файл оқылмайды", "ru": "файл не читается", "en": "unreadable file"},
    "reason.checksum_mismatch": {"kk": "файл бүлінген", "ru": "файл повреждён", "en": "damaged file"},
    "photo.missing": {"kk": "Жүктелмеген", "ru": "Не загружено", "en": "Not uploaded"},
    "skeleton_note": {
        "kk": "Бұл – жүйенің алғашқы қарапайым беті: тек оқуға арналған, байланыс деректері көрсетілмейді.",
        "ru": "Это первая простая страница системы: только просмотр, контакты не показываются.",
        "en": "This is the system's first plain page: read-only, contacts are never shown.",
    },
}
MESSAGES.update(vocabulary.CATALOG)
