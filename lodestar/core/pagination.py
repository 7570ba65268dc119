from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 25


def paginate(request: HttpRequest, items, per_page: int = PER_PAGE) -> Page:
    """The requested page of `items`; a missing, bad or out-of-range number gives a valid page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The current query string minus `page`, for links that keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
