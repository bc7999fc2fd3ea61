"""Agents turn a community post into a ticket. A thin shell over ``post_escalate``."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kb import clock
from kb.permissions import agent_required

from ..selectors import requests as selectors
from ..services import requests as services

NOTE_MAX_LENGTH = 5000


@require_POST
@agent_required
def post_escalate(request, pk: int):
    """"Escalate to ticket" on a post page: open (or find) the post's ticket, then show it."""
    post = selectors.post_to_escalate(pk)
    if post is None:
        raise Http404("No such post.")
    ticket = services.post_escalate(post=post, by=request.user, team=selectors.team_by_id(request.POST.get("team", "")),
                                    note=request.POST.get("note", "")[:NOTE_MAX_LENGTH], at=clock.now())
    messages.success(request, _("Ticket %(reference)s is open for this post; its author is the requester.") % {"reference": ticket.reference})
    return redirect("tickets:agent_ticket", reference=ticket.reference)
