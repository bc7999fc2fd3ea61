"""Search parameters. Nothing a visitor types makes a search fail: invalid filters are
ignored (the page) or reported as a 400 JSON error (the API)."""

from django import forms

from kb.i18n import default_locale, locales, normalize_locale
from search.analytics import DEFAULT_PERIOD, PERIODS
from search.backends.base import ALL_LOCALES, ARTICLE, POST
from search.query import clean_text

TYPE_CHOICES = [("", "All results"), (ARTICLE, "Articles"), (POST, "Community")]


class QueryField(forms.CharField):
    """Visitor text; NUL bytes are dropped (not refused) so such a query still searches."""

    def to_python(self, value):
        return super().to_python(value.replace("\x00", " ") if isinstance(value, str) else value)


class SearchForm(forms.Form):
    q = QueryField(required=False, strip=True)
    type = forms.ChoiceField(choices=TYPE_CHOICES, required=False)
    category = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    section = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def clean_q(self):
        return clean_text(self.cleaned_data.get("q"))

    def value(self, name, default=None):
        """A cleaned value, or ``default`` when it is missing or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class ApiDateField(forms.DateField):
    """A day as Zendesk's search filters take it ("2026-03-01"), between years 2 and 9998
    so a day's bounds never overflow a datetime."""

    def __init__(self, **kwargs):
        super().__init__(required=False, input_formats=["%Y-%m-%d"], **kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        if day and not 2 <= day.year <= 9998:
            raise forms.ValidationError("Give a day between the years 2 and 9998.", code="invalid")
        return day


class ApiSearchForm(forms.Form):
    """Zendesk's search parameters (``/help_center/articles/search.json`` and
    ``/help_center/community_posts/search.json``)."""

    query = QueryField(required=False, strip=True)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    category = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    section = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    topic = forms.IntegerField(required=False, min_value=1, max_value=2**53)
    label_names = forms.CharField(required=False, max_length=1000)
    locale = forms.CharField(required=False, max_length=20)
    created_before, created_after, created_at = ApiDateField(), ApiDateField(), ApiDateField()
    updated_before, updated_after, updated_at = ApiDateField(), ApiDateField(), ApiDateField()
    sort_by = forms.ChoiceField(required=False, choices=[("", "relevance"), ("created_at", "created_at"),
                                                         ("updated_at", "updated_at")])
    sort_order = forms.ChoiceField(required=False, choices=[("", "desc"), ("asc", "asc"), ("desc", "desc")])

    def clean_query(self):
        return clean_text(self.cleaned_data.get("query"))

    def clean_locale(self):
        """The locale searched: a served locale ("es", "de"; English as "en" or Zendesk's
        "en-us"), "*" for every locale, the default locale when absent."""
        value = (self.cleaned_data.get("locale") or "").strip()
        if not value:
            return default_locale()
        if value == ALL_LOCALES:
            return ALL_LOCALES
        code = normalize_locale(value)
        if code is None:
            names = ", ".join(["en-us" if c == "en" else c for c in locales()] + [ALL_LOCALES])
            raise forms.ValidationError(f"Unknown locale {value[:20]!r}: use one of {names}.",
                                        code="invalid_locale")
        return code

    def clean_label_names(self):
        names = [name.strip() for name in (self.cleaned_data.get("label_names") or "").split(",")]
        return [name for name in names if name][:20]

    def clean(self):
        data = super().clean()
        # As Zendesk: a search needs words or a place to look in.
        if not (data.get("query") or data.get("category") or data.get("section") or data.get("topic")
                or data.get("label_names")):
            self.add_error("query", forms.ValidationError(
                "Give a search query (or a category, section, topic or label_names).", code="required"))
        return data


class SearchLogForm(forms.Form):
    """The search page's log beacon: the token the page carries (search.analytics)."""

    token = forms.CharField(max_length=1000)


class ClickForm(forms.Form):
    log = forms.CharField(max_length=200)  # search.analytics.click_ref of the logged search
    position = forms.IntegerField(min_value=1, max_value=10_000)
    key = forms.RegexField(regex=r"^(article|post):[0-9]{1,18}$")


class AnalyticsPeriodForm(forms.Form):
    """Agents' search analytics: how many days back (an unknown value shows the default)."""

    days = forms.TypedChoiceField(choices=[(d, d) for d in PERIODS], coerce=int, required=False,
                                  empty_value=DEFAULT_PERIOD)
