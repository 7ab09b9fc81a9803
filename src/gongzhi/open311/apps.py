from django.apps import AppConfig


class Open311Config(AppConfig):
    name = "gongzhi.open311"
    label = "open311"
    verbose_name = "Open311 开放接口"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from gongzhi.cases.models import Category
        from gongzhi.core.memo import Memo
        from gongzhi.grids.models import Grid
        from gongzhi.org.models import Staff

        from .keys import KEYS
        from .location import GRIDS
        from .models import ApiKey
        from .selectors import JURISDICTIONS, SERVICES

        # A change in this process is seen at once (and again at its commit, so that a
        # look-up racing the transaction does not keep the old row); other processes see it
        # within OPEN311_MEMO_SECONDS (core/memo.py).
        def forget(memo: Memo) -> None:
            memo.forget()
            transaction.on_commit(memo.forget)

        for model, memo in (
            (ApiKey, KEYS),
            (get_user_model(), KEYS),
            (Staff, KEYS),
            (Category, SERVICES),
            (Grid, GRIDS),
            (Grid, JURISDICTIONS),
        ):
            for signal in (post_save, post_delete):
                signal.connect(
                    lambda sender, memo=memo, **kwargs: forget(memo),
                    sender=model,
                    weak=False,
                    dispatch_uid=f"memo-{memo.name}-{model.__name__}",
                )
