from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Disputes"

    def ready(self) -> None:
        # The order steps of a dispute join marketplace's transition table here, once.
        from disputes import order_steps

        order_steps.register()
