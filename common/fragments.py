"""Values a view hands its template that are worked out only if the template uses them."""


class Deferred:
    """A value worked out the first time a template asks for it, and only then.

    Templates call what they are given, so `{{ rows }}` or `{% for row in rows %}` inside
    a `{% fragment %}` works the value out when the fragment must be rendered, and not
    at all when it is remembered: a remembered page saves its queries, not only its
    rendering."""

    def __init__(self, function, /, *args, **kwargs):
        self._function = function
        self._args = args
        self._kwargs = kwargs
        self._value = None
        self._worked_out = False

    def __call__(self):
        if not self._worked_out:
            self._value = self._function(*self._args, **self._kwargs)
            self._worked_out = True
        return self._value
