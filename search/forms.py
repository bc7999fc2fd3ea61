"""Search parameters. Nothing a visitor types makes a search fail: invalid filters are
ignored (the page) or reported as a 400 JSON error (the API)."""

from django import forms

from search.analytics import DEFAULT_PERIOD, PERIODS
from search.backends.base import ARTICLE, POST
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


class ApiSearchForm(forms.Form):
    query = QueryField(required=True, strip=True)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)

    def clean_query(self):
        query = clean_text(self.cleaned_data.get("query"))
        if not query:
            raise forms.ValidationError("Give a search query.", code="required")
        return query


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
