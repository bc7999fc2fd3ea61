from django.apps import AppConfig
from django.db.models.signals import post_migrate


class KbConfig(AppConfig):
    name = "kb"
    verbose_name = "Help center site"

    def ready(self):
        from . import housekeeping
        from .permissions import ensure_agents_group

        # kb's own bookkeeping; the apps register theirs in their ready() (kb imports no app).
        housekeeping.register_own()

        # After each app's permissions exist (auth creates them on post_migrate, and its
        # receiver was connected first), make sure the Agents group holds those it lists:
        # a fresh database, a test database and an upgraded one end up with the same role.
        post_migrate.connect(ensure_agents_group, dispatch_uid="kb-agents-group")
