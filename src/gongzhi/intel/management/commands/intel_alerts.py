"""`gongzhi intel_alerts`: run the early-warning rules now."""

from django.core.management.base import BaseCommand

from gongzhi.intel.services import alerts_evaluate


class Command(BaseCommand):
    help = "运行预警规则并生成新预警 (Evaluate the early-warning rules)"

    def handle(self, *args, **opts):
        alerts = alerts_evaluate()
        self.stdout.write(f"新增预警 {len(alerts)} 条")
