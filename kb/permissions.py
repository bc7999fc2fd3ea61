"""Who may do what. One place, so views, templates and services agree."""

AGENT_PERMISSION = "articles.act_as_agent"
AGENTS_GROUP = "Agents"


def is_agent(user) -> bool:
    """Agents are users holding ``articles.act_as_agent`` (normally via the Agents group).

    Deliberately not ``is_staff``: admin access and answering customers are separate roles.
    """
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(AGENT_PERMISSION))


# What the Agents group may do: act as agent, and manage help-center content in the admin.
AGENT_GROUP_PERMISSIONS = [
    ("articles", "act_as_agent"),
    *[("articles", f"{action}_{model}")
      for model in ("article", "category", "section", "label", "topic", "post", "comment")
      for action in ("add", "change", "view")],
    # Translations are written (and withdrawn) by agents, on the site and in the admin.
    *[("articles", f"{action}_{model}")
      for model in ("articletranslation", "sectiontranslation", "categorytranslation")
      for action in ("add", "change", "view", "delete")],
    # Search synonyms are tuned by agents, who see what customers type.
    *[("search", f"{action}_synonym") for action in ("add", "change", "view", "delete")],
    # Office hours: agents keep schedules, plans and their steps current in the admin.
    *[("tickets", f"{action}_{model}")
      for model in ("team", "openinghours", "scheduleexception", "plan", "planlink")
      for action in ("add", "change", "view")],
    *[("tickets", f"view_{model}")
      for model in ("ticket", "callback", "flowevent", "ticketmessage", "deflection")],
]


def ensure_agents_group(**kwargs):
    """Create the Agents group with its permissions (idempotent; run after migrate)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    group, _ = Group.objects.get_or_create(name=AGENTS_GROUP)
    condition = Q(pk__in=[])
    for app_label, codename in AGENT_GROUP_PERMISSIONS:
        condition |= Q(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*Permission.objects.filter(condition))
    return group


def agent_required(view=None, *, sign_in: bool = True):
    """Pages and actions for agents: signed-out visitors are sent to sign in, other users
    get 403. The one guard every agent view uses.

    ``@agent_required(sign_in=False)`` for endpoints called by script (the editor's
    preview and upload): a redirect to the sign-in page means nothing to a script, so
    signed-out callers get 403 too.
    """
    from functools import wraps

    from django.contrib.auth.views import redirect_to_login
    from django.core.exceptions import PermissionDenied

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if sign_in and not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_agent(request.user):
                raise PermissionDenied("This page is for support agents.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate if view is None else decorate(view)
