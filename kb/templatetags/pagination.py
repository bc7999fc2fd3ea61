"""What includes/pagination.html needs beyond Django's own tags."""

from django import template

register = template.Library()

# Page links shown on each side of the current one; the first and last are always shown.
ON_EACH_SIDE = 2


@register.filter
def page_numbers(page) -> list:
    """The page numbers to link around ``page`` (a Django ``Page``), with
    ``Paginator.ELLIPSIS`` where numbers are left out."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=ON_EACH_SIDE, on_ends=1))
