"""Every word media's page shows, in Kazakh, Russian and English (tested with `check_catalog`)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "site_title": {"kk": "ТОП 100 · Медиа", "ru": "ТОП 100 · Медиа", "en": "TOP 100 · Media"},
    "assets": {"kk": "Фотосуреттер", "ru": "Фотографии", "en": "Photos"},
    "no_assets": {"kk": "Әзірге фото жоқ.", "ru": "Фотографий пока нет.", "en": "No photos yet."},
    "nomination": {"kk": "Өтінім", "ru": "Заявка", "en": "Nomination"},
    "region": {"kk": "Өңір", "ru": "Регион", "en": "Region"},
    "status": {"kk": "Мәртебе", "ru": "Статус", "en": "Status"},
    "size": {"kk": "Өлшемі", "ru": "Размер", "en": "Size"},
    "derivatives": {"kk": "Нұсқалар", "ru": "Варианты", "en": "Derivatives"},
    "status.pending": {"kk": "Өңделуде", "ru": "В обработке", "en": "Being processed"},
    "status.processed": {"kk": "Дайын", "ru": "Готово", "en": "Ready"},
    "status.rejected": {"kk": "Қабылданбады", "ru": "Отклонено", "en": "Rejected"},
    "status.missing": {"kk": "Жүктелмеген", "ru": "Не загружено", "en": "Not uploaded"},
    "status.superseded": {"kk": "Ауыстырылды", "ru": "Заменено", "en": "Replaced"},
    "status.withdrawn": {
        "kk": "Өтінім кері қайтарылды",
        "ru": "Заявка отозвана",
        "en": "Nomination withdrawn",
    },
    "reason.missing": {"kk": "фото жүктелмеген", "ru": "фото не загружено", "en": "no photo was uploaded"},
    "reason.not_jpeg": {"kk": "JPEG форматында емес", "ru": "не в формате JPEG", "en": "not a JPEG"},
    "reason.too_small": {
        "kk": "тым кішкентай (қысқа жағы 600 px-тен кем)",
        "ru": "слишком маленькое (короткая сторона меньше 600 px)",
        "en": "too small (short side under 600 px)",
    },
    "reason.too_large": {
        "kk": "тым үлкен (50 мегапиксельден астам)",
        "ru": "слишком большое (более 50 мегапикселей)",
        "en": "too large (over 50 megapixels)",
    },
    "reason.unreadable": {"kk": "файл оқылмайды", "ru": "файл не читается", "en": "the file cannot be read"},
    "reason.checksum_mismatch": {
        "kk": "файл жолда бүлінген",
        "ru": "файл повреждён при передаче",
        "en": "the file was damaged in transit",
    },
}
