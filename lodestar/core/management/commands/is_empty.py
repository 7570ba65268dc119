import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Exit with status 0 when the database has no users, 1 otherwise."

    def handle(self, *args, **options) -> None:
        # get_user_model keeps core free of an import from accounts (see the layers contract).
        count = get_user_model().objects.count()
        if count:
            self.stdout.write(f"The database has {count} users.")
            sys.exit(1)
        self.stdout.write("The database has no users.")
        sys.exit(0)
