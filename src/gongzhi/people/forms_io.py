"""The upload form: every check that needs only the file runs here, before any job exists."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gongzhi.people.import_files import (
    ImportFileError,
    check_extension,
    check_size,
    sniff,
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("导入文件"),
        help_text=_("支持 .xlsx 或 .csv(UTF-8或GBK编码);请使用导入模板"),
        error_messages={
            "required": _("请选择要导入的文件"),
            "empty": _("上传的文件是空的"),
            "invalid": _("没有收到文件,请重新选择"),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            # Size first: a huge upload is refused before anything parses it.
            check_size(upload.size)
            check_extension(upload.name)
            upload.seek(0)
            sniff(upload, filename=upload.name)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from None
        finally:
            upload.seek(0)
        return upload

    @property
    def max_mb(self) -> float:
        return settings.UPLOAD_MAX_BYTES / 1024 / 1024
