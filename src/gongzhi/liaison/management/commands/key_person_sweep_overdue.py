from django.core.management.base import BaseCommand

from gongzhi.liaison.key_persons import key_person_sweep_overdue


class Command(BaseCommand):
    help = "为逾期未见面的重点人员生成预警并通知责任人(可重复运行,不会重复预警)"

    def handle(self, *args, **options):
        raised = key_person_sweep_overdue()
        self.stdout.write(f"新增重点人员逾期预警 {raised} 条")
