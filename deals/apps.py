from django.apps import AppConfig


class DealsConfig(AppConfig):
    name = "deals"
    verbose_name = "Deals"

    def ready(self) -> None:
        # A custom offer's card rides on the system message that announces it.
        from deals.person_panel import offer_composer_actions
        from deals.selectors import selected_offer_object
        from inbox.extensions import add_composer_action_source, add_message_extra

        add_message_extra("offer", selected_offer_object)
        # A seller's visible way to the offer form from the thread's composer.
        add_composer_action_source(offer_composer_actions)
