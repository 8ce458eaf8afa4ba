from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        # marketplace.availability's extension point: "seller online now" in search.
        from inbox.presence import online_ids
        from marketplace.availability import set_presence

        set_presence(online_ids)
