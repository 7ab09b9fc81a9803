"""Background tasks of the cards app (run by `gongzhi db_worker`)."""

from django_tasks import task

from gongzhi.cards.services import card_print_job_run


@task()
def print_cards_task(job_id: int) -> str:
    job = card_print_job_run(job_id)
    return job.status if job else "skipped"
