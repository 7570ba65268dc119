from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "lodestar.mentoring"
    label = "mentoring"

    def ready(self) -> None:
        from lodestar.accounts import privacy

        from . import exports

        privacy.register_exporter("relationships", exports.export_member_data)

        from lodestar.programs.home import register_section

        from .access import relationships_of
        from .states import OPEN_STATUSES

        def home_section(user):
            open_ones = list(relationships_of(user).filter(status__in=OPEN_STATUSES)[:5])
            return {"relationships": open_ones} if open_ones else None

        register_section("mentoring", "mentoring/partials/home.html", home_section)
