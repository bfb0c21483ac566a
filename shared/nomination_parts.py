"""Parts of a nomination's events (`shared.events`) that consumers name as one group.

A consumer lists the payload's parts it applies or leaves alone (its `handlers.IGNORED_FIELDS`,
review's revisions per part); where it treats the student's record as a whole, it says so with
`RECORD` rather than spelling the parts out again.
"""

from __future__ import annotations

#: The student's record: what and in which course they study, how well, whether a minor, the
#: categories they are nominated in and their achievements (a submission carries them all, an
#: amendment those that changed).
RECORD: tuple[str, ...] = ("specialty", "course", "academic_standing", "minor", "categories", "achievements")
