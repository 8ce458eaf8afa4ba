from django.apps import AppConfig


class InboxConfig(AppConfig):
    name = "inbox"
    verbose_name = "Inbox"

    def ready(self) -> None:
        # Each order timeline entry becomes a system message in the order's conversation.
        from inbox.order_events import post_order_event
        from marketplace.extensions import add_order_event_listener

        add_order_event_listener(post_order_event)

        # marketplace.availability's extension point: "seller online now" in search.
        from inbox.presence import online_ids
        from marketplace.availability import set_presence

        set_presence(online_ids)
