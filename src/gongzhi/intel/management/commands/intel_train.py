"""`gongzhi intel_train`: train the category classifier now, or start the periodic chain."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.intel.services import model_train
from gongzhi.intel.tasks import intel_schedule_start
from gongzhi.intel.training import NotEnoughData, TrainingFailed


class Command(BaseCommand):
    help = "训练事件类别识别模型 (Train the category classifier on closed cases)"

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule", action="store_true", help="启动定期训练与预警的后台任务链"
        )
        parser.add_argument("--no-activate", action="store_true", help="只保存新版本,不启用")

    def handle(self, *args, **opts):
        if opts["schedule"]:
            intel_schedule_start()
            self.stdout.write("已安排定期训练和预警研判的后台任务")
            return
        try:
            version = model_train(activate=not opts["no_activate"])
        except NotEnoughData as exc:
            raise CommandError(f"已结案事件不足,无法训练:{exc}") from None
        except TrainingFailed as exc:
            raise CommandError(f"模型训练失败,未保存新版本:{exc}") from None
        acc = "—" if version.accuracy is None else f"{version.accuracy:.1%}"
        state = "已启用" if version.active else "未启用"
        self.stdout.write(
            f"模型 v{version.number}:训练样本 {version.trained_on},留出准确率 {acc},"
            f"耗时 {version.train_seconds:.1f} 秒,{state}"
        )
