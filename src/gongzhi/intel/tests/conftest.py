"""Helpers for intel tests: cases, residents, disputes and visits are built through the
services the application uses; the classifier is trained on the test generator."""

import functools

import pytest

from gongzhi.cases.models import Category, Channel
from gongzhi.cases.policies import policy_cache_clear
from gongzhi.cases.services import case_act, case_create
from gongzhi.portal import services as portal
from gongzhi.portal.tests.conftest import sign_in  # noqa: F401 - re-exported

from .. import train_child, training
from ..suggest import forget_model
from . import generator

TRAIN_SAMPLES = 3000


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_caches():
    policy_cache_clear()
    forget_model()  # a model loaded by an earlier test's (rolled-back) version
    yield
    policy_cache_clear()
    forget_model()


@functools.cache
def generated(n: int = TRAIN_SAMPLES, seed: int = 17) -> tuple:
    return tuple(generator.samples(n, seed=seed))


@functools.cache
def _trained_once() -> training.TrainOutcome:
    return train_child.outcome(generated(), training.TrainParams())


def train_in_process(samples, params=None, **_kwargs) -> training.TrainOutcome:
    """training.train_in_child without the child (test_training_child covers the child)."""
    params = params or training.TrainParams()
    if samples is generated() and params == training.TrainParams():
        return _trained_once()
    return train_child.outcome(samples, params)


@pytest.fixture
def trained(db, monkeypatch):
    """An active model version trained on generated texts (fitted once per process); the
    trainings of tests that use it run in-process."""
    from ..services import model_train

    monkeypatch.setattr(training, "train_in_child", train_in_process)
    return model_train(samples=generated(), source="generator")


def report(d, by="center", *, text="楼院杂草无人清理,长期没人管", code="0301", **fields):
    user = d.users[by] if isinstance(by, str) else by
    values = {
        "title": text[:30],
        "description": text,
        "channel": Channel.HOTLINE,
        "grid": d.unit_a,
        "category": Category.objects.get(code=code),
    } | fields
    return case_create(by=user, **values)


def act(d, case, who, action, **params):
    user = d.users[who] if isinstance(who, str) else who
    return case_act(case=case, by=user, action=action, expected_version=case.version, **params)


def close(d, case):
    """Accept, handle in the grid, resolve, verify and close: the whole workflow."""
    worker = "gridworker" if case.grid_id == d.unit_a.pk else "gridworker_b"
    for who, action in (
        ("center", "accept"),
        (worker, "self_handle"),
        (worker, "resolve"),
        ("center", "verify"),
        ("center", "close"),
    ):
        act(d, case, who, action)
    return case


def resident(phone: str, unit=None):
    account = portal.account_get_or_create(phone=phone)
    if unit is not None:
        portal.account_bind_unit(account=account, unit=unit, via="qr")
    return account
