from django.apps import AppConfig
from django.contrib.auth.signals import user_login_failed
from django.core.signals import request_finished
from django.db.models.signals import post_migrate
from django.utils import translation


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Help center site"

    def ready(self):
        from . import housekeeping
        from .permissions import ensure_agents_group
        from .security import count_failed_signin

        # kb's own bookkeeping; the apps register theirs in their ready() (kb imports no app).
        housekeeping.register_own()

        # After each app's permissions exist (auth creates them on post_migrate, and its
        # receiver was connected first), make sure the Agents group holds those it lists:
        # a fresh database, a test database and an upgraded one end up with the same role.
        post_migrate.connect(ensure_agents_group, dispatch_uid="kb-agents-group")
        # Failed sign-ins count against the address-wide ceiling (kb.security).
        user_login_failed.connect(count_failed_signin, dispatch_uid="kb-signin-ceiling")
        # A request's language (LocaleMiddleware activates it for the thread) ends with the
        # request: whatever the thread runs next (a test, a task) reverses in the default.
        request_finished.connect(reset_language, dispatch_uid="kb-reset-language")


def reset_language(**kwargs):
    translation.deactivate()
