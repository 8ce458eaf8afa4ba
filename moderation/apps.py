from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Flags for masked messages and the staff access log join the inbox here, once.
        from moderation import inbox_hooks

        inbox_hooks.register()
