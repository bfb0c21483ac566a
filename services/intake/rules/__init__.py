"""The programme's rules for intake, as pure functions (no I/O): `from services.intake.rules import X`.

Split by subject: `identity` (IIN, age, names, phones), `nomination` (standing, categories,
achievements, quotas), `statements` (word count, language), `deadlines` (the yearly calendar),
`progress` (what a candidate lacks, decisions as a portal reads them). Also pure, imported by their
own names: `language` (which language a text is in), `photos` (a photo's checks, by its bytes alone),
`refdata` (parsing and diffing the reference files).
Every check returns a list of `Problem`s; `messages.MESSAGES` words each problem code (translated
in kk/ru/en by `services.intake.messages.text`).
"""

from services.intake.rules.consent import CONSENT_WITHDRAWAL, withdrawal_kept, withdraws_consent_only
from services.intake.rules.deadlines import (
    Calendar,
    amendment_open,
    check_calendar,
    default_calendar,
    submission_open,
    withdrawal_open,
)
from services.intake.rules.identity import (
    ADULT_AGE,
    MAX_NAME_LENGTH,
    age_on,
    check_birth_date,
    check_iin,
    check_names,
    check_phone,
    guardian_required,
    iin_birth_date,
    iin_check_digit,
    is_mobile_prefix,
    mask_iin,
    normalize_name,
    normalize_phone,
)
from services.intake.rules.messages import MESSAGES
from services.intake.rules.nomination import (
    ACADEMIC_STANDINGS,
    ACHIEVEMENT_LEVELS,
    CATEGORIES,
    COLLEGE_QUOTA,
    MAX_ACHIEVEMENTS,
    REGION_QUOTA,
    check_academic_standing,
    check_achievement_count,
    check_achievement_level,
    check_categories,
    college_quota_problem,
    region_quota_problem,
)
from services.intake.rules.problems import Problem
from services.intake.rules.progress import (
    OUTCOMES,
    decision_line,
    newest_of_its_stage,
    still_missing,
    submission_day,
)
from services.intake.rules.statements import (
    MAX_STATEMENT_CHARS,
    MIN_STATEMENT_WORDS,
    STATEMENT_LANGUAGES,
    check_statement,
    count_words,
)

__all__ = [
    "ACADEMIC_STANDINGS",
    "ACHIEVEMENT_LEVELS",
    "ADULT_AGE",
    "CATEGORIES",
    "COLLEGE_QUOTA",
    "CONSENT_WITHDRAWAL",
    "MAX_ACHIEVEMENTS",
    "MAX_NAME_LENGTH",
    "MAX_STATEMENT_CHARS",
    "MESSAGES",
    "MIN_STATEMENT_WORDS",
    "OUTCOMES",
    "REGION_QUOTA",
    "STATEMENT_LANGUAGES",
    "Calendar",
    "Problem",
    "age_on",
    "amendment_open",
    "check_academic_standing",
    "check_achievement_count",
    "check_achievement_level",
    "check_birth_date",
    "check_calendar",
    "check_categories",
    "check_iin",
    "check_names",
    "check_phone",
    "check_statement",
    "college_quota_problem",
    "count_words",
    "decision_line",
    "default_calendar",
    "guardian_required",
    "iin_birth_date",
    "iin_check_digit",
    "is_mobile_prefix",
    "mask_iin",
    "newest_of_its_stage",
    "normalize_name",
    "normalize_phone",
    "region_quota_problem",
    "still_missing",
    "submission_day",
    "submission_open",
    "withdrawal_kept",
    "withdrawal_open",
    "withdraws_consent_only",
]
