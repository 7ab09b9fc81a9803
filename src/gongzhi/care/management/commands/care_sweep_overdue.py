from django.core.management.base import BaseCommand

from gongzhi.care.services import care_sweep_overdue


class Command(BaseCommand):
    help = "为逾期未走访的关爱对象生成预警(可重复运行,不会重复预警)"

    def handle(self, *args, **options):
        raised = care_sweep_overdue()
        self.stdout.write(f"新增逾期预警 {raised} 条")
