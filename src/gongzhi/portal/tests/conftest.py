"""Portal test helpers. Residents and posts are built through the portal's services."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.portal import services


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def png_bytes(size=(40, 30), color="red") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def photo(name="photo.png", data=None):
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), "image/png")


def resident(d, phone="13800001234", unit=None):
    """A signed-up resident account; a registry phone binds the registry unit."""
    account = services.account_get_or_create(phone=phone)
    if unit is not None:
        services.account_bind_unit(account=account, unit=unit, via="qr")
    return account


def sign_in(client, account):
    from gongzhi.portal.auth import SESSION_KEY

    session = client.session
    session[SESSION_KEY] = account.pk
    session.save()
    return client
