"""``{% seo_head %}``: the canonical URL, hreflang alternates, feed links, structured data
and social tags of the page being rendered (computed in ``articles.seo``)."""

from django import template

from .. import seo

register = template.Library()


@register.inclusion_tag("includes/seo_head.html", takes_context=True)
def seo_head(context):
    return seo.head(context)
