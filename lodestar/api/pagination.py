from ninja import Field, Schema
from ninja.conf import settings as ninja_settings
from ninja.pagination import LimitOffsetPagination

from .schemas import MAX_ID


class Pagination(LimitOffsetPagination):
    """Limit and offset, with an offset the database accepts: past 2**63 it was a 500."""

    class Input(Schema):
        limit: int = Field(ninja_settings.PAGINATION_PER_PAGE, ge=1)
        offset: int = Field(0, ge=0, le=MAX_ID)
