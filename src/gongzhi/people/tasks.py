"""Background tasks of the people app (run by `gongzhi db_worker`)."""

from django_tasks import task

from gongzhi.people.import_jobs import import_job_run


@task()
def import_residents_task(job_id: int) -> str:
    job = import_job_run(job_id)
    return job.status if job else "skipped"
