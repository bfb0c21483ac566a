"""Every word notify writes or shows, in Kazakh, Russian and English (tested with `check_catalog`).

`<template>.subject`, `<template>.body` and `<template>.sms` are what students receive; the rest
labels the delivery log page. SMS texts are kept to one UCS-2 segment (70 characters).
"""

from __future__ import annotations

from shared import vocabulary

_SIGNATURE = {"kk": "ТОП 100 жобасының командасы", "ru": "Команда проекта ТОП 100", "en": "The TOP 100 team"}

MESSAGES: dict[str, dict[str, str]] = {
    "receipt.subject": {
        "kk": "ТОП 100: өтініміңіз қабылданды",
        "ru": "ТОП 100: ваша заявка принята",
        "en": "TOP 100: your nomination has been received",
    },
    "receipt.body": {
        "kk": "Құрметті {name}!\n\n"
        "«ТжКБ колледждерінің ТОП 100 студенті» жобасына өтініміңіз қабылданды.\n\n"
        "Өтінім нөмірі: {nomination_id}\nӨңір: {region}\n\n"
        "Өтініміңіздің барысы туралы хабарлап отырамыз.\n"
        "Бұл хат автоматты түрде жіберілді, оған жауап бермеңіз.\n\n" + _SIGNATURE["kk"],
        "ru": "Здравствуйте, {name}!\n\n"
        "Ваша заявка на участие в проекте «ТОП 100 студентов колледжей ТиПО» принята.\n\n"
        "Номер заявки: {nomination_id}\nРегион: {region}\n\n"
        "Мы будем сообщать вам о ходе рассмотрения заявки.\n"
        "Это письмо отправлено автоматически, отвечать на него не нужно.\n\n" + _SIGNATURE["ru"],
        "en": "Dear {name},\n\n"
        "Your nomination to the “TOP 100 college students of Kazakhstan” programme has been received.\n\n"
        "Nomination number: {nomination_id}\nRegion: {region}\n\n"
        "We will keep you informed as it progresses.\n"
        "This message was sent automatically; please do not reply.\n\n" + _SIGNATURE["en"],
    },
    "receipt.sms": {
        "kk": "ТОП 100: {reference} өтініміңіз қабылданды. Рахмет!",
        "ru": "ТОП 100: ваша заявка {reference} принята. Спасибо!",
        "en": "TOP 100: your nomination {reference} was received. Thank you!",
    },
    "photo_rejected.subject": {
        "kk": "ТОП 100: фотосуретті қайта жіберіңіз",
        "ru": "ТОП 100: отправьте фото ещё раз",
        "en": "TOP 100: please send your photo again",
    },
    "photo_rejected.body": {
        "kk": "Құрметті {name}!\n\n{nomination_id} өтініміңіздің фотосуреті қабылданбады: {reason}.\n\n"
        "Колледжіңіз арқылы JPEG форматындағы, қысқа жағы кемінде 600 пиксель фотосуретті "
        "20 қазанға дейін жіберіңіз.\n\n" + _SIGNATURE["kk"],
        "ru": "Здравствуйте, {name}!\n\nФото к заявке {nomination_id} не принято: {reason}.\n\n"
        "Пожалуйста, передайте через колледж фото в формате JPEG не менее 600 пикселей "
        "по короткой стороне до 20 октября.\n\n" + _SIGNATURE["ru"],
        "en": "Dear {name},\n\nThe photo of nomination {nomination_id} could not be accepted: {reason}.\n\n"
        "Please send, through your college, a JPEG photo at least 600 pixels on its short side "
        "by 20 October.\n\n" + _SIGNATURE["en"],
    },
    "reason.missing": {"kk": "фото жүктелмеген", "ru": "фото не загружено", "en": "no photo was uploaded"},
    "reason.not_jpeg": {"kk": "JPEG форматында емес", "ru": "не в формате JPEG", "en": "it is not a JPEG"},
    "reason.too_small": {
        "kk": "тым кішкентай (қысқа жағы 600 пиксельден кем)",
        "ru": "слишком маленькое (короткая сторона меньше 600 пикселей)",
        "en": "it is too small (short side under 600 pixels)",
    },
    "reason.too_large": {
        "kk": "тым үлкен (50 мегапиксельден астам)",
        "ru": "слишком большое (более 50 мегапикселей)",
        "en": "it is too large (over 50 megapixels)",
    },
    "reason.unreadable": {"kk": "файл оқылмайды", "ru": "файл не читается", "en": "the file cannot be read"},
    "reason.checksum_mismatch": {
        "kk": "файл жолда бүлінген",
        "ru": "файл повреждён при передаче",
        "en": "the file was damaged in transit",
    },
    "reason.other": {
        "kk": "фото талаптарға сай емес",
        "ru": "фото не отвечает требованиям",
        "en": "it does not meet the requirements",
    },
    "site_title": {
        "kk": "ТОП 100 · Хабарламалар",
        "ru": "ТОП 100 · Уведомления",
        "en": "TOP 100 · Notifications",
    },
    "messages": {"kk": "Жіберілген хабарламалар", "ru": "Отправленные сообщения", "en": "Messages sent"},
    "no_messages": {"kk": "Әзірге хабарлама жоқ.", "ru": "Сообщений пока нет.", "en": "No messages yet."},
    "embedded_note": {
        "kk": "Кірістірілген режим: хаттар қалтаға жазылады, SMS журналға түседі.",
        "ru": "Встроенный режим: письма пишутся в папку, SMS — в журнал.",
        "en": "Embedded mode: emails are written to a folder, SMS to a log.",
    },
    "time": {"kk": "Уақыты", "ru": "Время", "en": "Time"},
    "channel": {"kk": "Арна", "ru": "Канал", "en": "Channel"},
    "channel.email": {"kk": "Эл. пошта", "ru": "Эл. почта", "en": "Email"},
    "channel.sms": {"kk": "SMS", "ru": "SMS", "en": "SMS"},
    "template": {"kk": "Үлгі", "ru": "Шаблон", "en": "Template"},
    "template.receipt": {"kk": "Өтінім қабылданды", "ru": "Заявка принята", "en": "Nomination received"},
    "template.photo_rejected": {"kk": "Фото қабылданбады", "ru": "Фото не принято", "en": "Photo rejected"},
    "language": {"kk": "Тіл", "ru": "Язык", "en": "Language"},
    "recipient": {"kk": "Алушы", "ru": "Получатель", "en": "Recipient"},
    "subject": {"kk": "Тақырып", "ru": "Тема", "en": "Subject"},
    "status": {"kk": "Мәртебе", "ru": "Статус", "en": "Status"},
    "status.queued": {"kk": "Кезекте", "ru": "В очереди", "en": "Queued"},
    "status.sent": {"kk": "Жіберілді", "ru": "Отправлено", "en": "Sent"},
    "status.failed": {"kk": "Жіберілмеді", "ru": "Не отправлено", "en": "Failed"},
    "back": {"kk": "Тізімге оралу", "ru": "К списку", "en": "Back to the list"},
    "not_found": {"kk": "Хабарлама табылмады.", "ru": "Сообщение не найдено.", "en": "Message not found."},
}
MESSAGES.update(vocabulary.CATALOG)
