"""The cycle collector is paused for bulk jobs and back as it was after them."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from salesdesk.collector import bulk, paused


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_a_bulk_job_runs_with_the_collector_off_and_it_is_back_after() -> None:
    @bulk
    def job(x: int) -> tuple[int, bool]:
        return x * 2, gc.isenabled()

    assert job(21) == (42, False)
    assert gc.isenabled()


def test_the_collector_is_back_after_a_job_that_fails() -> None:
    @bulk
    def job() -> None:
        raise ValueError("bad row")

    with pytest.raises(ValueError, match="bad row"):
        job()
    assert gc.isenabled()


def test_nested_jobs_switch_it_back_on_only_at_the_end() -> None:
    with paused():
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with paused():
        pass
    assert not gc.isenabled()


def test_a_job_ending_in_one_thread_leaves_the_other_threads_job_paused() -> None:
    inside, release = threading.Event(), threading.Event()
    seen: list[bool] = []

    def other() -> None:
        with paused():
            inside.set()
            release.wait(5)
            seen.append(gc.isenabled())

    thread = threading.Thread(target=other)
    with paused():
        thread.start()
        assert inside.wait(5)
    assert not gc.isenabled()  # the other thread's job is still running
    release.set()
    thread.join(5)
    assert seen == [False]
    assert gc.isenabled()
