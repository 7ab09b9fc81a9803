from django.db import connection
from django.http import JsonResponse


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - report, never raise
        db = {"ok": False, "vendor": connection.vendor, "error": exc.__class__.__name__}
    return JsonResponse({"status": "ok" if db["ok"] else "degraded", "database": db}, status=200)
