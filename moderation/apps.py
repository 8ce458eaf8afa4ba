from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from inbox.detection import add_findings_handler
        from moderation.services import flag_detected_messages

        # A masked message gets its detector flag in the transaction that stores it.
        add_findings_handler(flag_detected_messages)
