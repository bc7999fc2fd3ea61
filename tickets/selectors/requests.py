"""Reads for the request desk, each in a constant number of queries."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext

from articles.models import Article, Category, Post
from articles.translations.selectors import overlay_articles
from kb import params
from kb.i18n import current_locale
from kb.permissions import AGENT_PERMISSION
from search.backends.base import ARTICLE
from search.selectors import search_run

from ..models import OPEN_STATUSES, Team, Ticket, TicketAttachment, TicketMessage
from ..services.requests import token_hash

QUEUE_PAGE_SIZE = 50


def request_categories() -> list[tuple[str, str]]:
    """Choices for the request form: the help-center categories, plus "Something else"."""
    names = list(Category.objects.values_list("name", flat=True))
    return [(name, name) for name in names] + [("Other", gettext("Something else"))]


def suggested_articles(text: str, *, limit: int = 5) -> list[Article]:
    """Published articles matching ``text`` (the search backend, database fallback)."""
    if len((text or "").strip()) < 2:
        return []
    page = search_run(text=text, kinds=(ARTICLE,), per_page=limit)
    # Named and linked in the reader's language (its published translation, else the source).
    return overlay_articles([item.obj for item in page.items][:limit], locale=current_locale())


def published_article(pk) -> Article | None:
    """The published article with the id typed in a request; None for junk or an unknown id."""
    pk = params.parse_id(pk)
    return Article.objects.published().filter(pk=pk).first() if pk is not None else None


def articles_in_order(ids: list[int]) -> list[Article]:
    # Tickets saved before ids were checked may hold junk or ids past the database's
    # integers, which would fail the whole ``pk__in`` query.
    ids = [pk for pk in map(params.parse_id, ids) if pk is not None]
    found = Article.objects.filter(pk__in=ids).only("pk", "title", "slug", "section_id", "locale").in_bulk()
    return overlay_articles([found[pk] for pk in ids if pk in found], locale=current_locale())


def requests_of(user) -> QuerySet[Ticket]:
    """A signed-in requester's own tickets, newest first (1 query)."""
    return Ticket.objects.filter(requester=user).only(
        "reference", "subject", "status", "created_at", "updated_at").order_by("-created_at", "-pk")


def ticket_by_reference(reference: str) -> Ticket | None:
    return Ticket.objects.filter(reference=reference).first()


def ticket_by_pk(pk: int) -> Ticket | None:
    return Ticket.objects.filter(pk=pk).first()


def request_for_user(user, reference: str) -> Ticket | None:
    """The user's own ticket with this reference; None for anyone else's (the view answers 404)."""
    if not user.is_authenticated:
        return None
    return Ticket.objects.filter(requester=user, reference=reference).first()


def request_for_token(token: str) -> Ticket | None:
    if not token or len(token) > 100:
        return None
    return Ticket.objects.filter(access_token_hash=token_hash(token)).first()


def public_messages(ticket: Ticket) -> list[TicketMessage]:
    """What the requester may see: never an internal note."""
    return list(TicketMessage.objects.filter(ticket=ticket, internal=False).select_related("author"))


def all_messages(ticket: Ticket) -> list[TicketMessage]:
    return list(TicketMessage.objects.filter(ticket=ticket).select_related("author"))


def attachments_of(ticket: Ticket) -> list[TicketAttachment]:
    return list(TicketAttachment.objects.filter(ticket=ticket))


def attachment_of(ticket: Ticket, pk: int) -> TicketAttachment | None:
    return ticket.attachments.filter(pk=pk).first()


def ticket_for_agent(reference: str) -> Ticket | None:
    return (Ticket.objects.select_related("team", "assignee", "requester", "from_article", "post")
            .filter(reference=reference).first())


def agents() -> list:
    """Active users holding the agent permission (directly or through a group)."""
    from django.contrib.auth.models import Permission

    app_label, codename = AGENT_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
    if permission is None:
        return []
    User = get_user_model()
    return list(User.objects.filter(Q(user_permissions=permission) | Q(groups__permissions=permission),
                                    is_active=True).distinct().order_by("username"))


def teams() -> list[Team]:
    return list(Team.objects.only("pk", "name"))


def team_by_id(value: str) -> Team | None:
    """The team with the id typed in a form field; None for an empty or unknown one."""
    pk = params.parse_id(value)
    return Team.objects.filter(pk=pk).first() if pk is not None else None


def post_to_escalate(pk: int) -> Post | None:
    return Post.objects.select_related("author").filter(pk=pk).first()


def agent_queue(*, team: str = "", status: str = "", priority: str = "", assignee: str = "",
                source: str = "") -> QuerySet[Ticket]:
    """Tickets for the agent queue, filtered; the caller paginates (one query per page + count)."""
    queryset = Ticket.objects.select_related("team", "assignee").only(
        "reference", "subject", "status", "priority", "source", "requester_email", "created_at", "updated_at",
        "team__name", "assignee__username")
    if (team_id := params.parse_id(team)) is not None:
        queryset = queryset.filter(team_id=team_id)
    if status in Ticket.Status.values:
        queryset = queryset.filter(status=status)
    if priority in Ticket.Priority.values:
        queryset = queryset.filter(priority=priority)
    if source in Ticket.Source.values:
        queryset = queryset.filter(source=source)
    if assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif (assignee_id := params.parse_id(assignee)) is not None:
        queryset = queryset.filter(assignee_id=assignee_id)
    return queryset.order_by("-created_at", "-pk")


def open_ticket_reference() -> Subquery:
    """The reference of a post's open escalation ticket (or NULL), as a subquery on the
    post (``articles.selectors.AGENT_POST_ANNOTATIONS``)."""
    tickets = Ticket.objects.filter(post=OuterRef("pk"), status__in=OPEN_STATUSES).order_by("-created_at", "-pk")
    return Subquery(tickets.values("reference")[:1])
