from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lodestar.accounts.models import User
from lodestar.core.forms import StyledForm
from lodestar.core.models import audit

from .models import ApiToken

MAX_ACTIVE_TOKENS = 10


class TokenForm(StyledForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        help_text=gettext_lazy("What the token is for, for example “reporting script”."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Give the token a name."))
        return name

    def clean(self):
        cleaned = super().clean()
        if self.user.api_tokens.active().count() >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(
                _("You have %(max)d active tokens, the most allowed. Revoke one first.")
                % {"max": MAX_ACTIVE_TOKENS}
            )
        return cleaned


@login_required
@never_cache
def tokens(request: HttpRequest) -> HttpResponse:
    raw_token = None
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST":
        with transaction.atomic():
            # Lock the member's row so two simultaneous requests cannot both pass the limit
            # (PostgreSQL; SQLite already lets one writer at a time).
            User.objects.select_for_update().filter(pk=request.user.pk).first()
            if form.is_valid():
                token, raw_token = ApiToken.issue(request.user, form.cleaned_data["name"])
                audit(request.user, "api.token_issued", token, name=token.name)
        if raw_token is not None:
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
            form = TokenForm(user=request.user)
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "raw_token": raw_token,
        "max_tokens": MAX_ACTIVE_TOKENS,
    }
    return render(request, "api/tokens.html", context)


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    # Scoped to the member's own tokens: anyone else's id is a 404.
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked_at is None:
        token.revoke()
        audit(request.user, "api.token_revoked", token)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    else:
        messages.info(
            request, _("The token “%(name)s” was already revoked.") % {"name": token.name}
        )
    return redirect("api_tokens")
