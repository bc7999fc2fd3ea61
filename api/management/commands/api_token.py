"""``manage.py api_token USERNAME [--name NAME]``: print a new API token for a user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.services import api_token_create


class Command(BaseCommand):
    help = "Make a new API token for USERNAME and print it (it is shown only this once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="What the token is for, shown in the admin.")

    def handle(self, *args, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username!r} is not active: a token would not sign in.")
        _, raw = api_token_create(user=user, name=name or "manage.py api_token")
        self.stdout.write(raw)
        self.stderr.write(f"Sign in as {user.email or user.username}/token with this token "
                          "(HTTP Basic), or send it as a Bearer token. It is not stored: keep it now.")
