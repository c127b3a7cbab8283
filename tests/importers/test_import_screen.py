"""The admin's Import screen: Admin role only, a rehearsal first, then the import."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect

from masthead.importers.models import ImportRun
from masthead.news.models import ArticlePage, Author

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _private_upload_dir(settings, tmp_path):
    settings.MASTHEAD_IMPORT_UPLOAD_DIR = tmp_path / "imports"


def member_of(group: str, username: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.org", "pw", first_name=username)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def admin_client(client, section):
    client.force_login(member_of("Admin", "ada"))
    return client


@pytest.fixture
def editor_client(client, section):
    client.force_login(member_of("Editor", "eddie"))
    return client


def upload(name: str, content: bytes | None = None, **options) -> dict:
    data = content if content is not None else (FIXTURES / name).read_bytes()
    return {"export": SimpleUploadedFile(name, data), "section": "news",
            "categories_as": "sections", **options}  # fmt: skip


def rehearse(client, django_capture_on_commit_callbacks, name: str, content=None) -> ImportRun:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("importers_index"), upload(name, content))
    assert response.status_code == 302, response.content.decode()[:2000]
    return ImportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1])


def test_an_editor_is_refused_every_import_url_and_raw_post(
    editor_client, settings, django_capture_on_commit_callbacks
):
    run = ImportRun.objects.create(
        kind="ghost", file_name="x.json", dry_run=True, status=ImportRun.Status.FINISHED,
        upload_path="x.json",
    )  # fmt: skip
    urls = [reverse("importers_index"), reverse("importers_run", args=[run.pk]),
            reverse("importers_run_progress", args=[run.pk])]  # fmt: skip
    for url in urls:
        assert refused(editor_client.get(url)), url
    with django_capture_on_commit_callbacks(execute=True):
        posted = editor_client.post(reverse("importers_index"), upload("ghost-3.json"))
        started = editor_client.post(reverse("importers_run", args=[run.pk]))
    assert refused(posted) and refused(started)
    assert ImportRun.objects.count() == 1
    assert not Path(settings.MASTHEAD_IMPORT_UPLOAD_DIR).exists()
    assert ArticlePage.objects.count() == 0
    assert "Import" not in [i.label for i in _menu(editor_client)]


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in its admin with a redirect to the dashboard
    and a message; anything else (the page, a JSON body) would be a leak."""
    if response.status_code == 302:
        return response.url == reverse("wagtailadmin_home")
    return response.status_code == 403


def test_a_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get(reverse("importers_index"))
    assert response.status_code == 302 and "login" in response.url


def _menu(client):
    from wagtail.admin.menu import admin_menu

    request = client.get(reverse("wagtailadmin_home")).wsgi_request
    return admin_menu.menu_items_for_request(request)


def test_the_import_screen_is_in_an_admins_menu(admin_client):
    assert "Import" in [i.label for i in _menu(admin_client)]
    page = admin_client.get(reverse("importers_index")).content.decode()
    assert "Upload and rehearse" in page and "Nothing has been imported yet." in page
    assert "style=" not in page.split("<main", 1)[-1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"hello", "a WordPress export ends in .xml"),
        ("export.json", b"\x89PNG\r\n\x1a\n", "is not a JSON file"),
        ("export.xml", b'{"db": []}', "is not an XML file"),
        ("export.json", b"", "empty"),
    ],
)
def test_a_file_that_is_not_an_export_gets_a_clear_message_and_nothing_is_kept(
    admin_client, settings, name, content, message
):
    response = admin_client.post(reverse("importers_index"), upload(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ImportRun.objects.count() == 0
    assert not Path(settings.MASTHEAD_IMPORT_UPLOAD_DIR).exists()


def test_a_file_over_the_upload_limit_is_refused(admin_client, settings):
    settings.MASTHEAD_IMPORT_UPLOAD_MAX_MB = 1
    response = admin_client.post(
        reverse("importers_index"), upload("e.json", b"{" + b" " * 1_100_000)
    )
    assert response.status_code == 400
    assert "the limit is 1 MB" in response.content.decode()


def test_a_broken_export_fails_its_rehearsal_with_where_and_writes_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    run = rehearse(admin_client, django_capture_on_commit_callbacks, "ghost-broken.json")
    assert run.status == ImportRun.Status.FAILED
    assert "line 3, column 35" in run.error
    page = admin_client.get(reverse("importers_run", args=[run.pk])).content.decode()
    assert "not valid JSON" in page and "Nothing was written" in page
    assert "Start import" not in page
    assert ArticlePage.objects.count() == 0 and Author.objects.count() == 0


def test_the_rehearsal_writes_nothing_and_reports_counts_and_warnings_with_source_ids(
    admin_client, django_capture_on_commit_callbacks
):
    run = rehearse(admin_client, django_capture_on_commit_callbacks, "ghost-3.json")
    assert run.status == ImportRun.Status.FINISHED, run.error
    assert run.dry_run and run.counts["articles_created"] == 2
    assert ArticlePage.objects.count() == 0
    assert Author.objects.count() == 0 and Redirect.objects.count() == 0
    page = admin_client.get(reverse("importers_run", args=[run.pk])).content.decode()
    assert "What the import would do" in page
    assert "<td>p11</td>" in page and "for members only on Ghost" in page
    assert "Start import" in page
    # The private copy is outside the public media folder.
    assert Path(run.upload_path).is_file() and "media" not in Path(run.upload_path).parts


def test_start_import_runs_it_through_the_task_and_the_log_shows_both_runs(
    admin_client, django_capture_on_commit_callbacks
):
    rehearsal = rehearse(admin_client, django_capture_on_commit_callbacks, "ghost-3.json")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("importers_run", args=[rehearsal.pk]))
    run = ImportRun.objects.exclude(pk=rehearsal.pk).get()
    assert response.url == reverse("importers_run", args=[run.pk])
    assert (run.status, run.dry_run, run.user.username) == (ImportRun.Status.FINISHED, False, "ada")
    budget = ArticlePage.objects.get(slug="budget-vote")
    assert budget.live and budget.title == "Budget vote tonight"
    assert not ArticlePage.objects.get(slug="members-briefing").live
    progress = admin_client.get(reverse("importers_run_progress", args=[run.pk])).json()
    assert progress == {"status": "finished", "label": "Finished", "percent": 100,
                        "done": 2, "total": 2, "active": False}  # fmt: skip
    log = admin_client.get(reverse("importers_index")).content.decode()
    assert log.count("ghost-3.json") == 2
    assert "Ghost rehearsal" in log and "Ghost import" in log


def test_the_run_page_of_a_queued_run_polls_with_a_static_script(admin_client):
    run = ImportRun.objects.create(kind="ghost", file_name="big.json", dry_run=False)
    page = admin_client.get(reverse("importers_run", args=[run.pk])).content.decode()
    assert "masthead/js/import-progress" in page
    assert 'data-import-progress="' in page and "<progress" in page
    main = page.split("<main", 1)[-1]
    assert "style=" not in main and " onclick" not in main
    progress = admin_client.get(reverse("importers_run_progress", args=[run.pk])).json()
    assert (progress["status"], progress["active"]) == ("queued", True)


def test_an_existing_admin_group_is_given_the_import_permission_by_migration(db):
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Permission

    migration = import_module("masthead.importers.migrations.0003_admin_role_may_import")
    admins = Group.objects.get(name="Admin")
    admins.permissions.remove(Permission.objects.get(codename="add_importrun"))
    migration.grant(apps, None)
    assert admins.permissions.filter(codename="add_importrun").exists()


def test_a_wordpress_export_is_rehearsed_through_the_same_screen(
    admin_client, django_capture_on_commit_callbacks
):
    run = rehearse(admin_client, django_capture_on_commit_callbacks, "small-wxr-1.1.xml")
    assert (run.kind, run.status) == ("wordpress", ImportRun.Status.FINISHED), run.error
    assert run.counts["articles_created"] >= 1 and ArticlePage.objects.count() == 0


def test_members_posts_are_drafts_unless_the_admin_ticks_members_public(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("importers_index"), upload("ghost-3.json", members_public="on")
        )
    rehearsal = ImportRun.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert any("imported PUBLIC" in w["message"] for w in rehearsal.report["warnings"])
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("importers_run", args=[rehearsal.pk]))
    assert ArticlePage.objects.get(slug="members-briefing").live


def test_an_upload_folder_inside_the_public_media_is_refused(admin_client, settings):
    settings.MASTHEAD_IMPORT_UPLOAD_DIR = Path(settings.MEDIA_ROOT) / "imports"
    response = admin_client.post(reverse("importers_index"), upload("ghost-3.json"))
    assert response.status_code == 400
    assert "must not be inside MEDIA_ROOT" in response.content.decode()
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


def test_a_second_start_follows_the_import_already_queued(admin_client):
    rehearsal = ImportRun.objects.create(
        kind="ghost", file_name="a.json", dry_run=True, status=ImportRun.Status.FINISHED,
        upload_path="a.json",
    )  # fmt: skip
    first = admin_client.post(reverse("importers_run", args=[rehearsal.pk]))
    second = admin_client.post(reverse("importers_run", args=[rehearsal.pk]))
    assert first.url == second.url
    assert ImportRun.objects.filter(dry_run=False).count() == 1
