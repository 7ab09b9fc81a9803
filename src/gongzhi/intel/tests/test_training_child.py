"""Training streams in chunks and runs in a child interpreter: the parent (a task worker)
never loads scikit-learn, and a child that fails stores nothing and says why."""

import json
import logging
import os
import subprocess
import sys
import time
from collections import Counter

import numpy as np
import pytest
from sklearn.linear_model import SGDClassifier

from gongzhi.core.tests import processes

from .. import classifier, training
from ..models import ModelVersion
from ..services import model_train
from ..tasks import intel_train_periodic
from ..textfeatures import hasher
from .conftest import close, generated, report
from .test_tasks import queued


def test_training_runs_in_another_process_and_hands_back_a_working_artefact():
    samples = generated(1000, seed=4)
    outcome = training.train_in_child(samples)
    assert outcome.pid is not None and outcome.pid != os.getpid()
    assert outcome.trained_on + outcome.heldout_size == len(samples)
    assert outcome.peak_memory_mb and outcome.peak_memory_mb > 0
    pipeline = classifier.loads(outcome.artefact)
    assert [str(c) for c in pipeline.classes_] == outcome.classes
    here = classifier.train(samples)
    assert outcome.classes == here.classes and outcome.accuracy == pytest.approx(here.accuracy)


def test_the_child_keeps_its_chunks_in_the_work_directory(monkeypatch, tmp_path):
    """Not in a /tmp that may be memory: the hashed chunks are ~0.7 GB at 1,000,000 cases."""
    script = "import sys, tempfile; sys.stderr.write('tmp=' + tempfile.gettempdir()); sys.exit(1)"
    monkeypatch.setattr(training, "child_command", lambda params: [sys.executable, "-c", script])
    workdir = tmp_path / "var" / "tmp"
    with pytest.raises(training.TrainingFailed) as failed:
        training.train_in_child([("路灯不亮", "0401")], workdir=workdir)
    assert f"tmp={workdir}" in str(failed.value) and workdir.is_dir()


def test_too_little_to_learn_in_the_child_is_not_enough_data_in_the_parent():
    with pytest.raises(classifier.NotEnoughData, match="two categories"):
        training.train_in_child([("路灯不亮,晚上很黑", "0401")] * 30)


@pytest.mark.parametrize(
    ("script", "says"),
    [
        ("import sys; sys.exit(3)", "exited with status 3"),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "killed by SIGKILL"),
        ("import sys; sys.stdin.read(); print('hello')", "without a complete answer"),
        ("import sys; sys.stderr.write('Traceback: boom'); sys.exit(1)", "Traceback: boom"),
    ],
)
def test_a_child_that_fails_stores_no_version_and_says_why(db, monkeypatch, caplog, script, says):
    monkeypatch.setattr(training, "child_command", lambda params: [sys.executable, "-c", script])
    with (
        caplog.at_level(logging.ERROR, logger="gongzhi.intel"),
        pytest.raises(training.TrainingFailed, match=says),
    ):
        model_train(samples=generated(2000), source="generator")
    assert ModelVersion.objects.count() == 0
    assert "model training failed" in caplog.text


def test_a_child_still_training_after_the_time_limit_is_stopped(db, monkeypatch, settings):
    script = "import time; time.sleep(120)"  # a child that hangs
    monkeypatch.setattr(training, "child_command", lambda params: [sys.executable, "-c", script])
    settings.INTEL_TRAIN_TIMEOUT_SECONDS = 1
    started = time.monotonic()
    with pytest.raises(training.TrainingFailed, match="time limit of 1 s"):
        model_train(samples=generated(200), source="generator")
    assert time.monotonic() - started < 100  # killed, not waited for (a liveness bound)
    assert ModelVersion.objects.count() == 0


def test_the_periodic_chain_stays_queued_when_the_child_fails(db, monkeypatch):
    script = "import sys; sys.exit(3)"
    monkeypatch.setattr(training, "child_command", lambda params: [sys.executable, "-c", script])
    with pytest.raises(training.TrainingFailed):
        intel_train_periodic.call()
    assert ModelVersion.objects.count() == 0 and len(queued(intel_train_periodic)) == 1


def test_a_database_error_while_feeding_stops_the_child(monkeypatch):
    started = []
    real_popen = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def rows():
        yield "路灯不亮", "0401"
        raise RuntimeError("the database went away")

    monkeypatch.setattr(training.subprocess, "Popen", popen)
    with pytest.raises(RuntimeError, match="went away"):
        training.train_in_child(rows())
    assert started[0].returncode is not None  # waited for, not left running


def _whole_matrix_train(samples, params):
    """The trainer before streaming: every training row in one matrix, one fit()."""
    texts = [t for t, _c in samples]
    counts = Counter(c for _t, c in samples)
    codes = [c if counts[c] >= params.min_class else c[:2] for _t, c in samples]
    fit = [i for i in range(len(texts)) if i % params.heldout_every]
    held = [i for i in range(len(texts)) if i % params.heldout_every == 0]
    h = hasher(params.n_features)
    X = h.transform([texts[i] for i in fit])
    df = np.bincount(X.indices, minlength=X.shape[1])
    reweight = classifier._reweight(df, X.shape[0], params)
    clf = SGDClassifier(loss="log_loss", alpha=params.alpha, max_iter=params.epochs, tol=None)
    clf.set_params(random_state=params.seed).fit(reweight.transform(X), [codes[i] for i in fit])
    predicted = clf.predict(reweight.transform(h.transform([texts[i] for i in held])))
    return list(clf.classes_), classifier.scores([codes[i] for i in held], list(predicted))


def test_streaming_in_chunks_learns_the_classes_and_accuracy_of_one_whole_fit(
    monkeypatch, tmp_path
):
    samples = generated()
    params = classifier.TrainParams()
    classes, whole = _whole_matrix_train(samples, params)
    monkeypatch.setattr(classifier, "CHUNK", 400)  # several chunks, and a partial last one
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    result = classifier.train(samples, params)
    assert result.classes == [str(c) for c in classes]
    assert result.heldout_size == len(samples) // 10
    assert result.accuracy == pytest.approx(whole["accuracy"], abs=0.03)
    assert result.leaf_accuracy == pytest.approx(whole["leaf_accuracy"], abs=0.05)
    assert list(tmp_path.iterdir()) == []  # the chunk files are gone


SCRIPT = """
import json, sys, django
django.setup()
from gongzhi.intel.services import model_train
from gongzhi.intel.training import TrainParams
version = model_train(params=TrainParams(min_class=1))
heavy = sorted(m for m in ("sklearn", "scipy", "joblib") if m in sys.modules)
print(json.dumps({"number": version.number, "trained_on": version.trained_on, "heavy": heavy}))
"""


@pytest.mark.processes
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_process_that_trains_from_the_database_never_imports_scikit_learn(
    threaded_db, district, tmp_path
):
    texts = {
        "0301": ["垃圾堆在路边没人清运", "楼道里垃圾发臭", "小区垃圾桶满了没人倒"],
        "0402": ["路面塌了一个大坑", "人行道地砖松动", "马路坑坑洼洼积水"],
    }
    for code, items in texts.items():
        for i in range(6):
            close(district, report(district, text=f"{items[i % 3]}{i}", code=code))
    env = processes.child_env(tmp_path, DJANGO_SETTINGS_MODULE="gongzhi.settings")
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["heavy"] == []
    version = ModelVersion.objects.get(number=answer["number"])
    assert (
        version.trained_on == answer["trained_on"]
        and version.trained_on + version.heldout_size == 12
    )
    assert set(version.classes) == {"0301", "0402"}
