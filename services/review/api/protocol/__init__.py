"""The protocol of a commission's meeting: what it says (`content`), and the same as a PDF (`pdf`,
laid out by `layout`) and a workbook (`xlsx`), as `GET /api/v1/decisions/<id>/protocol` answers."""
