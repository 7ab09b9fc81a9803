"""core.jobs: a job is queued only when its transaction commits and is claimed once."""

from django.db import transaction

from gongzhi.cards.models import CardPrintJob
from gongzhi.core.jobs import job_claim, job_enqueue


def _job(district):
    return CardPrintJob.objects.create(owner=district.users["center"], root=district.jinquan)


def test_a_pending_job_is_claimed_by_the_first_worker_only(district):
    job = _job(district)
    assert job_claim(CardPrintJob, job.pk) is True
    assert job_claim(CardPrintJob, job.pk) is False
    job.refresh_from_db()
    assert job.status == CardPrintJob.Status.RUNNING


def test_claiming_sets_the_extra_fields_with_the_status(district):
    job = _job(district)
    assert job_claim(CardPrintJob, job.pk, base_url="http://x")
    job.refresh_from_db()
    assert job.base_url == "http://x"


def test_a_finished_job_is_not_claimed_again(district):
    job = _job(district)
    CardPrintJob.objects.filter(pk=job.pk).update(status=CardPrintJob.Status.SUCCEEDED)
    assert job_claim(CardPrintJob, job.pk) is False


class _FakeTask:
    def __init__(self):
        self.sent = []

    def enqueue(self, job_id):
        self.sent.append(job_id)


fake_task = _FakeTask()
FAKE = f"{__name__}.fake_task"


def test_the_task_is_sent_after_commit_and_not_on_rollback(
    district, django_capture_on_commit_callbacks
):
    fake_task.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job_enqueue(FAKE, 7)
        assert fake_task.sent == []
    assert fake_task.sent == [7]
    try:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            job_enqueue(FAKE, 8)
            raise RuntimeError
    except RuntimeError:
        pass
    assert fake_task.sent == [7]


def test_progress_reads_each_jobs_own_counters():
    from gongzhi.people.models import ImportJob

    assert (ImportJob(status="running", processed_rows=50, total_rows=200).percent) == 25
    assert CardPrintJob(status="running", done=3, total=4).percent == 75
    assert CardPrintJob(status="succeeded").percent == 100
    assert CardPrintJob(status="pending").percent == 0
    assert CardPrintJob(status="failed").finished and not CardPrintJob(status="running").finished
