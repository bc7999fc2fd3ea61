"""Agents turn a community post into a ticket. A thin shell over ``post_escalate``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from articles.models import Post
from kb.permissions import is_agent

from ..models import Team
from ..services import requests as services
from .cancel_flow import now

NOTE_MAX_LENGTH = 5000


@require_POST
@login_required
def post_escalate(request, pk: int):
    """"Escalate to ticket" on a post page: open (or find) the post's ticket, then show it."""
    if not is_agent(request.user):
        raise PermissionDenied("Only agents can escalate posts.")
    post = get_object_or_404(Post.objects.select_related("author"), pk=pk)
    team_id = request.POST.get("team", "")
    team = Team.objects.filter(pk=int(team_id)).first() if team_id.isdigit() else None
    ticket = services.post_escalate(post=post, by=request.user, team=team,
                                    note=request.POST.get("note", "")[:NOTE_MAX_LENGTH], at=now())
    messages.success(request, f"Ticket {ticket.reference} is open for this post; its author is the requester.")
    return redirect("tickets:agent_ticket", reference=ticket.reference)
