from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "lodestar.programs"
    label = "programs"

    def ready(self) -> None:
        from lodestar.accounts import privacy

        from . import exports

        privacy.register_exporter("programs", exports.export_member_data)
        privacy.register_eraser("programs", exports.erase_member_data)
