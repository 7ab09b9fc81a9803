"""`gongzhi print_cards GRID_CODE [--per unit|household] [--out FILE]`: the page's print, now."""

import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gongzhi.cards.models import CardPrintJob
from gongzhi.cards.services import cards_print
from gongzhi.grids.models import Grid


class Command(BaseCommand):
    help = "Print the connection cards (民情连心卡) of a grid subtree as one PDF."

    def add_arguments(self, parser):
        parser.add_argument("grid_code")
        parser.add_argument("--per", default="unit", help="unit (default) or household")
        parser.add_argument("--out", help="PDF file to write (default 民情连心卡-CODE.pdf)")
        parser.add_argument(
            "--base-url",
            default=getattr(settings, "PUBLIC_BASE_URL", "") or "http://localhost:8000",
            help="scheme and host the QR codes point to",
        )

    def handle(self, *args, grid_code, per, out, base_url, verbosity=1, **options):
        if per not in CardPrintJob.Per.values:
            raise CommandError(f"--per must be unit or household, not {per!r}")
        root = Grid.objects.filter(code=grid_code).first()
        if root is None:
            raise CommandError(f"no grid with code {grid_code!r}")
        path = Path(out or f"民情连心卡-{grid_code}.pdf")
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            if verbosity >= 2 or done == total:
                self.stdout.write(f"{done}/{total}")

        try:
            count = cards_print(root=root, per=per, out=path, base_url=base_url, progress=progress)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{count} cards → {path} ({seconds:.1f} s)"))
