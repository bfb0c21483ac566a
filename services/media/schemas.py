"""Media's API contract (marshmallow): queries and bodies in, assets, kits and publications out."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.media.models import KIT_STAGES
from shared.i18n import LANGUAGES
from shared.regions import region_codes


def _region() -> fields.String:
    return fields.String(load_default=None, allow_none=True, validate=validate.OneOf(region_codes()))


class AssetQuery(Schema):
    """Either one nomination's assets, or a year's (with its region and stage)."""

    nomination_id = fields.String(load_default=None, validate=validate.Length(min=1, max=64))
    year = fields.Integer(load_default=None, validate=validate.Range(min=2000, max=2100))
    region = _region()
    stage = fields.String(load_default=None, validate=validate.OneOf(KIT_STAGES))

    @validates_schema
    def one_way(self, data: dict, **_: object) -> None:
        if data.get("nomination_id") is None and data.get("year") is None:
            raise ValidationError("nomination_id or year is required", "year")


class DerivativeOut(Schema):
    name = fields.String()
    format = fields.String()
    width = fields.Integer()
    height = fields.Integer()
    bytes = fields.Integer()
    url = fields.String()
    #: A banner's: its photo's resolution at print size, and whether that is under 100 dpi.
    dpi = fields.Integer()
    low_dpi = fields.Boolean()


class AssetOut(Schema):
    id = fields.String()
    nomination_id = fields.String()
    region = fields.String()
    year = fields.Integer()
    name = fields.String()
    stage = fields.String(allow_none=True)
    status = fields.String()
    reason = fields.String(allow_none=True)
    reason_text = fields.Dict(keys=fields.String(), values=fields.String(), allow_none=True)
    width = fields.Integer(allow_none=True)
    height = fields.Integer(allow_none=True)
    derivatives = fields.List(fields.Nested(DerivativeOut))
    updated_at = fields.DateTime()


class AssetListOut(Schema):
    items = fields.List(fields.Nested(AssetOut))


class KitIn(Schema):
    year = fields.Integer(required=True, strict=True, validate=validate.Range(min=2000, max=2100))
    stage = fields.String(required=True, validate=validate.OneOf(KIT_STAGES))
    region = _region()


class KitOut(Schema):
    id = fields.String()
    year = fields.Integer()
    stage = fields.String()
    region = fields.String(allow_none=True)
    status = fields.String()
    progress = fields.Float()
    candidates = fields.Integer()
    bytes = fields.Integer(allow_none=True)
    url = fields.String(allow_none=True)
    created_at = fields.DateTime()


#: A publication's address: http(s), a host name with its top-level domain, any path. A subset of what
#: marshmallow's `Url` reads, held by both, so that the document says what is refused.
PUBLICATION_URL = r"^https?://([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,6}(/[^\s\x00-\x1f\x7f]*)?$"


class PublicationIn(Schema):
    outlet = fields.String(required=True, validate=validate.Length(min=1, max=200))
    url = fields.Url(
        required=True,
        schemes={"http", "https"},
        validate=[validate.Length(max=1000), validate.Regexp(PUBLICATION_URL)],
        metadata={"pattern": PUBLICATION_URL, "example": "https://tengrinews.kz/top100/almaty"},
    )
    published_on = fields.Date(required=True)
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    candidate_ids = fields.List(fields.String(validate=validate.Length(min=1, max=64)), load_default=list)


class PublicationOut(Schema):
    id = fields.String()
    year = fields.Integer()
    outlet = fields.String()
    url = fields.String()
    published_on = fields.Date()
    language = fields.String()
    candidate_ids = fields.List(fields.String())


class WithdrawalOut(Schema):
    """Banners and social cards a correction of review's decision withdrew (the publications log)."""

    nomination_id = fields.String()
    name = fields.String()
    region = fields.String()
    stage = fields.String()
    decision_id = fields.String()
    sequence = fields.Integer(allow_none=True)
    files = fields.Integer()
    withdrawn_at = fields.DateTime()


class PublicationListOut(Schema):
    """A year's publications log: the publications, their count, and the banners withdrawn."""

    items = fields.List(fields.Nested(PublicationOut))
    year = fields.Integer()
    count = fields.Integer()
    withdrawals = fields.List(fields.Nested(WithdrawalOut))


class YearQuery(Schema):
    year = fields.Integer(required=True, validate=validate.Range(min=2000, max=2100))
