"""{% fragment "name" %} … {% endfragment %}: a costly part of a page, remembered until
the portal's data changes (common.dataversion) or the day does.

The key is the fragment's name, the data version the request read first (its epoch and
number), today's date, the signed-in user and the page's path with its query, so a
remembered part is only ever shown again to the same person, on the same page, with
the same data, and never after a restore. Any
further values after the name vary the key too. Nothing is remembered for a request
whose transaction has changed data, or one without a signed-in user.

A fragment must not hold a form that posts: its CSRF token belongs to the session it
was rendered in. Views hand such pages their costly values as common.fragments.Deferred,
so a remembered fragment also saves the queries.
"""

import hashlib

from django import template
from django.conf import settings
from django.core.cache import cache
from django.template.defaulttags import CsrfTokenNode
from django.utils import timezone

from common import dataversion

register = template.Library()


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        key = self.key(context)
        if key is None:
            return self.nodelist.render(context)
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, settings.FRAGMENT_CACHE_SECONDS)
        return html

    def key(self, context):
        request = context.get("request")
        version = getattr(request, "data_version", None)
        if not settings.PAGE_CACHE or version is None or not request.user.is_authenticated:
            return None
        if dataversion.changes_pending():
            return None
        parts = [
            request.user.pk,
            request.get_full_path(),
            *(value.resolve(context) for value in self.vary_on),
        ]
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()
        name = self.name.resolve(context)
        return f"fragment:{name}:{version}:{timezone.localdate().isoformat()}:{digest}"


@register.tag
def fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(CsrfTokenNode):
        raise template.TemplateSyntaxError(
            "{% fragment %} cannot hold {% csrf_token %}: a remembered token belongs to "
            "the session it was made for. Keep forms that post outside the fragment."
        )
    name, *vary_on = (parser.compile_filter(bit) for bit in bits[1:])
    return FragmentNode(nodelist, name, vary_on)
