"""The WSGI entry point: the page cache in front of Django, and malloc's mmap threshold."""

import platform

import pytest


def test_the_application_is_django_behind_the_local_page_cache():
    from masthead import wsgi
    from masthead.core.page_cache import PageCacheApp

    assert isinstance(wsgi.application, PageCacheApp)


def test_the_mmap_threshold_is_fixed_unless_the_operator_chose_one(monkeypatch):
    from masthead import wsgi

    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "131072")
    assert wsgi.return_large_blocks() is False  # glibc already applied the operator's value
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_")
    if platform.libc_ver()[0] != "glibc":
        pytest.skip("mallopt's thresholds are glibc's")
    assert wsgi.return_large_blocks() is True
