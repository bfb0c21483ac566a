"""What changes media's photos, banners, kits and logs: one function per use case, in the caller's
unit of work (an API view, a page, an event handler or a chore of the worker opens it).

By subject: `photos` (a nomination's photo and what media prints of it), `publicity` (banners and
social cards on review's decisions), `kits` (the media team's ZIPs), `publications` (the log of what
outlets published), `audit` (media's audit log). What they use: `sources` (the original over HTTP),
`originals` (the original media keeps), `imaging` and `faces` (derivatives), `banners` (drawing).
"""

from __future__ import annotations

#: The producer every event of media names.
PRODUCER = "media"
