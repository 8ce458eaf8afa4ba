from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Disputes"

    def ready(self) -> None:
        # The order steps of a dispute join marketplace's transition table here, once.
        from disputes import order_steps
        from disputes.checkpoints import checkpoints_of, first_checkpoint_problem
        from disputes.selectors import case_references
        from inbox.extensions import (
            ChainAnchorSource,
            add_chain_anchor_source,
            add_staff_evidence_source,
        )

        order_steps.register()
        # The signed head checkpoints join the inbox's chain check (inbox.verification).
        add_chain_anchor_source(
            ChainAnchorSource(anchors=checkpoints_of, first_problem=first_checkpoint_problem)
        )
        # Reviewers reach the files of a dispute's conversations (inbox.api.attachment).
        add_staff_evidence_source(case_references)
