"""Views of the request desk: submit, deflect, follow up, and the agent ticket queue. Thin shells."""

from __future__ import annotations

from urllib.parse import urlparse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kb import analytics, clock, storage, throttle
from kb.permissions import agent_required, is_agent

from ..forms.requests import AgentReplyForm, ReplyForm, RequestForm, TicketUpdateForm
from ..limits import (
    CALLBACK_IP_RATE,
    DEFLECTION_RATE,
    DEFLECTION_SCOPE,
    PUBLIC_FORM_SCOPE,
    REPLY_RATE,
    REPLY_SCOPE,
    by_ip,
)
from ..models import Ticket
from ..selectors import requests as selectors
from ..services import requests as services

SESSION_REQUESTS = "request_desk_references"


def _from_article(request):
    """The article the visitor came from: ``?from_article=<id>`` or a same-site Referer."""
    article = selectors.published_article(request.GET.get("from_article") or request.POST.get("from_article"))
    if article is not None:
        return article
    referer = urlparse(request.META.get("HTTP_REFERER", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return None
    try:
        match = resolve(referer.path or "/")
    except Resolver404:
        return None
    if match.view_name == "articles:article" and "pk" in match.kwargs:
        return selectors.published_article(match.kwargs["pk"])
    return None


def _request_form(request) -> RequestForm:
    """The request form, bound on POST; on GET prefilled from the signed-in user, the
    article the visitor came from and ``?subject=``."""
    initial = {"email": request.user.email if request.user.is_authenticated else ""}
    if request.method == "GET":
        article = _from_article(request)
        initial["from_article"] = article.pk if article else None
        initial["subject"] = request.GET.get("subject", "")[:150]
    return RequestForm(request.POST or None, request.FILES or None, initial=initial,
                       categories=selectors.request_categories(), action=reverse("tickets:request_create"))


def _send_request(request, form: RequestForm, at) -> Ticket:
    data = form.cleaned_data
    ticket, _token = services.request_create(
        email=data["email"], subject=data["subject"], description=data["description"],
        category=data["category"], at=at, requester=request.user, uploads=data["attachments"],
        from_article=selectors.published_article(data["from_article"]),
        shown_article_ids=data["shown"], suggestions=selectors.suggested_articles(data["subject"], limit=3),
        visitor=analytics.visitor_hash_for(request, at=at),
    )
    references = request.session.get(SESSION_REQUESTS, [])[-9:]
    request.session[SESSION_REQUESTS] = [*references, ticket.reference]
    return ticket


@require_http_methods(["GET", "POST"])
def request_create(request):
    """The request form, with suggested articles as the visitor types."""
    at = clock.now()
    form = _request_form(request)
    if request.method == "POST":
        if limited := throttle.limit_response(request, scope=PUBLIC_FORM_SCOPE, what=_("requests"),
                                              limits=by_ip(request, CALLBACK_IP_RATE)):
            return limited
        if form.is_valid():
            ticket = _send_request(request, form, at)
            return redirect("tickets:request_done", reference=ticket.reference)
    subject = form.data.get("subject", "") if form.is_bound else form.initial.get("subject", "")
    return render(request, "tickets/request_form.html", {
        "form": form,
        # Without JavaScript, a re-shown form (or ?subject=) still lists suggestions.
        "suggestions": selectors.suggested_articles(subject) if subject else [],
        "subject": subject,
        "suggest_url": reverse("tickets:request_suggest"),
        "deflect_url": reverse("tickets:request_deflect"),
    })


@require_GET
def request_suggest(request):
    """JSON for static/js/requests.js: up to 5 articles for the subject typed so far."""
    articles = selectors.suggested_articles(request.GET.get("q", "")[:150])
    response = JsonResponse({"results": [{"id": a.pk, "title": a.title, "url": a.get_absolute_url()}
                                         for a in articles]})
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_POST
def request_deflect(request):
    """"This answered my question": record the deflection; no ticket is created."""
    at = clock.now()
    article = selectors.published_article(request.POST.get("article"))
    if article is None:
        raise Http404("No such article.")
    # Not limit_response: over the limit there is no 429 page; we still thank them and
    # just stop counting.
    if not throttle.hit(scope=DEFLECTION_SCOPE, limits=by_ip(request, DEFLECTION_RATE)).limited:
        services.deflection_record(article=article, query=request.POST.get("subject", "")[:200],
                                   visitor=analytics.visitor_hash_for(request, at=at), at=at)
    return render(request, "tickets/request_deflected.html", {"article": article})


def request_done(request, reference: str):
    """The confirmation, only for the browser session that sent the request."""
    if reference not in request.session.get(SESSION_REQUESTS, []):
        raise Http404("No such request in this browser session.")
    ticket = selectors.ticket_by_reference(reference)
    if ticket is None:
        raise Http404("No such request.")
    suggestions = selectors.articles_in_order(ticket.suggested_article_ids)
    # The ones listed in the auto-reply: the last three suggested (added after the form's).
    top = selectors.suggested_articles(ticket.subject, limit=3)
    return render(request, "tickets/request_done.html", {
        "ticket": ticket,
        "links": [{"article": a, "solved_url": reverse("tickets:request_solved",
                                                       args=[services.solved_link_value(ticket, a)])}
                  for a in (top or suggestions[:3])],
        "list_url": reverse("tickets:request_list") if request.user.is_authenticated else "",
    })


@require_http_methods(["GET", "POST"])
def request_solved(request, signed: str):
    """"Yes, this solved it" from the confirmation or the email. GET asks (mail scanners
    follow links), POST marks the ticket solved. No sign-in needed: the link is the key."""
    unsigned = services.solved_link_unsign(signed)
    if unsigned is None:
        return render(request, "tickets/request_solved.html", {"invalid": True}, status=400)
    ticket = selectors.ticket_by_pk(unsigned[0])
    article = selectors.published_article(unsigned[1])
    if ticket is None or article is None:
        raise Http404("No such request.")
    if request.method == "POST":
        services.ticket_solve_by_self_service(ticket=ticket, article=article, at=clock.now())
        return render(request, "tickets/request_solved.html", {"ticket": ticket, "article": article, "done": True})
    return render(request, "tickets/request_solved.html", {"ticket": ticket, "article": article,
                                                           "already": ticket.status in ("solved", "closed")})


@login_required
def request_list(request):
    """My requests."""
    paginator = Paginator(selectors.requests_of(request.user), 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "tickets/request_list.html", {"page": page, "tickets": page.object_list})


def _requester_page(request, ticket: Ticket, *, action: str, attachment_route: str, route_arg: str):
    at = clock.now()
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if limited := throttle.limit_response(request, scope=REPLY_SCOPE, what=_("replies"),
                                              limits=by_ip(request, REPLY_RATE)):
            return limited
        if form.is_valid():
            services.ticket_reply_by_requester(ticket=ticket, body=form.cleaned_data["body"], at=at,
                                               author=request.user)
            messages.success(request, _("Your reply was sent."))
            return redirect(action)
    return render(request, "tickets/request_detail.html", {
        "ticket": ticket,
        "messages_list": selectors.public_messages(ticket),
        "attachments": [{"attachment": a, "url": reverse(attachment_route, args=[route_arg, a.pk])}
                        for a in selectors.attachments_of(ticket)],
        "form": form,
        "action": action,
    })


@login_required
@require_http_methods(["GET", "POST"])
def request_detail(request, reference: str):
    """One of my requests (signed in). Anyone else's reference: 404, never 403."""
    ticket = selectors.request_for_user(request.user, reference)
    if ticket is None:
        raise Http404("No such request.")
    return _requester_page(request, ticket, action=reverse("tickets:request_detail", args=[reference]),
                           attachment_route="tickets:request_attachment", route_arg=reference)


@require_http_methods(["GET", "POST"])
def request_token(request, token: str):
    """A request seen through the private link in the requester's email."""
    ticket = selectors.request_for_token(token)
    if ticket is None:
        raise Http404("No such request.")
    response = _requester_page(request, ticket, action=reverse("tickets:request_token", args=[token]),
                               attachment_route="tickets:request_token_attachment", route_arg=token)
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to linked sites
    return response


def _download(attachment_pk: int, ticket: Ticket | None):
    if ticket is None:
        raise Http404("No such attachment.")
    attachment = selectors.attachment_of(ticket, attachment_pk)
    if attachment is None:
        raise Http404("No such attachment.")
    return storage.attachment_response(attachment.stored_name, file_name=attachment.original_name,
                                      content_type=attachment.content_type, cache_control="private, no-store")


@login_required
def request_attachment(request, reference: str, pk: int):
    ticket = (selectors.ticket_for_agent(reference) if is_agent(request.user)
              else selectors.request_for_user(request.user, reference))
    return _download(pk, ticket)


def request_token_attachment(request, token: str, pk: int):
    return _download(pk, selectors.request_for_token(token))


# --- Agents --------------------------------------------------------------------------



@agent_required
def agent_queue(request):
    """The ticket queue: filters, 50 per page, a constant number of queries."""
    filters = {name: request.GET.get(name, "")[:20] for name in ("team", "status", "priority", "assignee", "source")}
    paginator = Paginator(selectors.agent_queue(**filters), selectors.QUEUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "tickets/request_agent_queue.html", {
        "page": page,
        "tickets": page.object_list,
        "filters": filters,
        "teams": selectors.teams(),
        "agents": selectors.agents(),
        "statuses": Ticket.Status.choices,
        "priorities": Ticket.Priority.choices,
        "sources": Ticket.Source.choices,
    })


def _agent_ticket_action(request, ticket: Ticket, reply_form: AgentReplyForm, update_form: TicketUpdateForm):
    """An agent's reply (or internal note) or update: a redirect to the ticket, or None to
    show the forms again (with the service's refusal as a message)."""
    at = clock.now()
    try:
        if reply_form.is_bound and reply_form.is_valid():
            internal = reply_form.cleaned_data["internal"]
            services.ticket_reply_by_agent(ticket=ticket, agent=request.user, body=reply_form.cleaned_data["body"],
                                           internal=internal, at=at)
            messages.success(request, _("Internal note added.") if internal else _("Reply sent to the requester."))
            return redirect("tickets:agent_ticket", reference=ticket.reference)
        if update_form.is_bound and update_form.is_valid():
            data = update_form.cleaned_data
            services.ticket_update(ticket=ticket, agent=request.user, status=data["status"],
                                   priority=data["priority"], assignee=data["assignee"], at=at)
            messages.success(request, _("Ticket updated."))
            return redirect("tickets:agent_ticket", reference=ticket.reference)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return None


@agent_required
@require_http_methods(["GET", "POST"])
def agent_ticket(request, reference: str):
    """One ticket: the conversation with internal notes, reply, note, status, priority, assignee."""
    ticket = selectors.ticket_for_agent(reference)
    if ticket is None:
        raise Http404("No such ticket.")
    action = request.POST.get("action")
    reply_form = AgentReplyForm(request.POST if action == "reply" else None)
    update_form = TicketUpdateForm(request.POST if action == "update" else None, agents=selectors.agents(),
                                   initial={"status": ticket.status, "priority": ticket.priority,
                                            "assignee": ticket.assignee_id or ""})
    if request.method == "POST" and (response := _agent_ticket_action(request, ticket, reply_form, update_form)):
        return response
    return render(request, "tickets/request_agent_ticket.html", {
        "ticket": ticket,
        "messages_list": selectors.all_messages(ticket),
        "attachments": [{"attachment": a, "url": reverse("tickets:request_attachment", args=[reference, a.pk])}
                        for a in selectors.attachments_of(ticket)],
        "suggested": selectors.articles_in_order(ticket.suggested_article_ids),
        "reply_form": reply_form,
        "update_form": update_form,
        "queue_url": reverse("tickets:agent_queue"),
    })
