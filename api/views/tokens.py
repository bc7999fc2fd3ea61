"""``/accounts/api-tokens/``: a signed-in person's own API tokens (agents and customers
alike: a token acts as its user, with that user's rights). Listed, made (the secret shown
once, on the answer to the POST, never stored or redirected with), and revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kb import clock

from .. import selectors, services
from ..forms import ApiTokenForm


def _page(request, *, form, secret=None, token=None, status=200):
    response = render(request, "api/tokens.html", {
        "form": form,
        "tokens": selectors.tokens_of(request.user),
        "secret": secret,
        "new_token": token,
        "login": request.user.email or request.user.get_username(),
    }, status=status)
    return response


@never_cache
@login_required
def tokens(request):
    active = selectors.tokens_of(request.user).filter(revoked_at__isnull=True).count()
    if request.method != "POST":
        return _page(request, form=ApiTokenForm(active_count=active))
    form = ApiTokenForm(request.POST, active_count=active)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    token, secret = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    return _page(request, form=ApiTokenForm(active_count=active + 1), secret=secret, token=token, status=201)


@require_POST
@login_required
def token_revoke(request, pk: int):
    token = selectors.tokens_of(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404("No such token.")
    services.api_token_revoke(token=token, at=clock.now())
    messages.success(request, _("Revoked “%(token)s”: it no longer signs anything in.") % {"token": token})
    return redirect("api:tokens")
