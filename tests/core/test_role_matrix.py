"""Who may do what: every role against every admin and public action, by raw HTTP.

Each row is one action: a request made as the role, and a check of the database (or the
page) afterwards. The table says which roles may do it; a row passes only when the
allowed roles get their way (status and effect) and every other role is turned away
(anonymous visitors to the sign-in page, staff with Wagtail's refusal) with nothing
changed. The roles are those core/roles.py creates; docs/security.md has the same table.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from masthead.news.models import ArticlePage
from tests.conftest import as_loaded, make_image_file

ROLES = ["anonymous", "Reporter", "Editor", "Admin", "superuser"]
STAFF = {"Reporter", "Editor", "Admin", "superuser"}
DESK = {"Editor", "Admin", "superuser"}
OFFICE = {"Admin", "superuser"}
EVERYONE = set(ROLES)


@dataclass
class World:
    client: Client
    user: User | None
    colleague: User
    section: object
    author: object
    image: object
    own_draft: ArticlePage
    live: ArticlePage
    boss: User


def article_form(world: World, title: str, slug: str) -> dict:
    return nested_form_data({
        "title": title, "slug": slug, "dek": "Standfirst.",
        "hero_image": world.image.pk, "hero_alt": "A picture",
        "body": streamfield([("paragraph", rich_text("<p>Body text.</p>"))]),
        "article_authors": inline_formset([{"author": world.author.pk}]),
        "corrections": inline_formset([]), "read_also_picks": inline_formset([]), "tags": "",
    })  # fmt: skip


# --- actions: (request as the role) and (check the database afterwards) ---------------


def add_article(w: World):
    form = article_form(w, "Brand new story", "brand-new-story")
    return w.client.post(f"/admin/pages/add/news/articlepage/{w.section.pk}/", form)


def added_article(w: World) -> bool:
    return ArticlePage.objects.filter(slug="brand-new-story", live=False).exists()


def edit_own_draft(w: World):
    form = article_form(w, "Draft, rewritten", w.own_draft.slug)
    return w.client.post(f"/admin/pages/{w.own_draft.pk}/edit/", {**form, **as_loaded(w.own_draft)})


def own_draft_rewritten(w: World) -> bool:
    draft = ArticlePage.objects.get(pk=w.own_draft.pk)
    return draft.get_latest_revision_as_object().title == "Draft, rewritten"


def publish_own_draft(w: World):
    form = article_form(w, w.own_draft.title, w.own_draft.slug)
    form = {**form, **as_loaded(w.own_draft), "action-publish": "1"}
    return w.client.post(f"/admin/pages/{w.own_draft.pk}/edit/", form)


def own_draft_live(w: World) -> bool:
    return ArticlePage.objects.get(pk=w.own_draft.pk).live


def unpublish_live(w: World):
    return w.client.post(f"/admin/pages/{w.live.pk}/unpublish/")


def live_unpublished(w: World) -> bool:
    return not ArticlePage.objects.get(pk=w.live.pk).live


def delete_live(w: World):
    return w.client.post(f"/admin/pages/{w.live.pk}/delete/")


def live_deleted(w: World) -> bool:
    return not ArticlePage.objects.filter(pk=w.live.pk).exists()


def edit_colleagues_live(w: World):
    form = article_form(w, "Colleague's story, changed", w.live.slug)
    return w.client.post(f"/admin/pages/{w.live.pk}/edit/", {**form, **as_loaded(w.live)})


def colleagues_live_changed(w: World) -> bool:
    live = ArticlePage.objects.get(pk=w.live.pk)
    assert live.title == "Colleague's story"  # a saved draft never changes the live page
    return live.get_latest_revision_as_object().title == "Colleague's story, changed"


def create_user(w: World):
    return w.client.post(reverse("wagtailusers_users:add"), {
        "username": "newhire", "email": "newhire@example.org", "first_name": "New",
        "last_name": "Hire", "password1": "A-long-new-passphrase-1",
        "password2": "A-long-new-passphrase-1", "is_superuser": "on",
    })  # fmt: skip


def user_created(w: World) -> bool:
    created = User.objects.filter(username="newhire").first()
    if created is not None:
        assert created.is_superuser == (w.user.is_superuser)  # only a superuser makes one
    return created is not None


def edit_superuser(w: World):
    return w.client.post(reverse("wagtailusers_users:edit", args=[w.boss.pk]), {
        "username": "boss", "email": "taken@example.org", "first_name": "B", "last_name": "Oss",
        "password1": "Hijacked-passphrase-99", "password2": "Hijacked-passphrase-99",
        "is_active": "on", "is_superuser": "on",
    })  # fmt: skip


def superuser_edited(w: World) -> bool:
    boss = User.objects.get(pk=w.boss.pk)
    assert boss.check_password("Hijacked-passphrase-99") == (boss.email == "taken@example.org")
    return boss.email == "taken@example.org"


def add_group(w: World):
    formsets = ("page_permissions", "document_permissions", "image_permissions",
                "collection_permissions")  # fmt: skip
    empty = {
        f"{name}-{count}": "0" for name in formsets for count in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    return w.client.post(reverse("wagtailusers_groups:add"), {"name": "Night desk", **empty})


def group_added(w: World) -> bool:
    return Group.objects.filter(name="Night desk").exists()


def add_redirect(w: World):
    return w.client.post("/admin/redirects/add/", {
        "old_path": "/old-story/", "site": "", "is_permanent": "on",
        "redirect_link": "", "redirect_page": w.section.pk,
    })  # fmt: skip


def redirect_added(w: World) -> bool:
    return Redirect.objects.filter(old_path="/old-story").exists()


def upload_image(w: World):
    upload = make_image_file("upload.jpg")
    file = SimpleUploadedFile("upload.jpg", upload.file.getvalue(), "image/jpeg")
    return w.client.post("/admin/images/add/", {"title": "Uploaded", "file": file,
                                                "collection": "1", "tags": ""})  # fmt: skip


def image_uploaded(w: World) -> bool:
    return get_image_model().objects.filter(title="Uploaded").exists()


def upload_document(w: World):
    file = SimpleUploadedFile("minutes.txt", b"Council minutes.", "text/plain")
    return w.client.post("/admin/documents/add/", {"title": "Minutes", "file": file,
                                                   "collection": "1", "tags": ""})  # fmt: skip


def document_uploaded(w: World) -> bool:
    return get_document_model().objects.filter(title="Minutes").exists()


def get(path: str, marker: str) -> tuple[Callable, Callable]:
    """A read-only row: the page opens (and shows `marker`), and nothing is written."""
    seen: dict = {}

    def request(w: World):
        url = path.format(w=w)
        response = w.client.get(url)
        location = response.get("Location", "")
        if location.startswith(url) and not location.startswith("/admin/login/"):
            response = w.client.get(response["Location"])  # e.g. a setting's own page
        seen["response"] = response
        return response

    def shown(w: World) -> bool:
        return marker in seen["response"].content.decode()

    return request, shown


@dataclass
class Row:
    name: str
    request: Callable
    effect: Callable
    allowed: set[str]
    public: bool = False
    # How Wagtail turns away a signed-in role that may not: "refused", or "ok" where the
    # form saves what the role may do instead (publishing without the right saves a draft).
    refusal: str = "refused"


ROWS = [
    Row("dashboard", *get("/admin/", "Dashboard"), STAFF),
    Row("add an article", add_article, added_article, STAFF),
    Row("edit an article of one's own", edit_own_draft, own_draft_rewritten, STAFF),
    Row("publish an article", publish_own_draft, own_draft_live, DESK, refusal="ok"),
    Row("unpublish an article", unpublish_live, live_unpublished, DESK),
    Row("delete a live article", delete_live, live_deleted, DESK),
    Row("edit a colleague's live article", edit_colleagues_live, colleagues_live_changed, DESK),
    Row("list users", *get("/admin/users/", "newsroom-colleague"), OFFICE),
    Row("create a user (ticking Administrator)", create_user, user_created, OFFICE),
    Row("edit a superuser", edit_superuser, superuser_edited, {"superuser"}),
    Row("add a group", add_group, group_added, {"superuser"}),
    Row("sites (settings)", *get("/admin/sites/", "testserver"), {"superuser"}),
    Row("editors' picks", *get("/admin/settings/curation/editorspicks/", "Editors"), DESK),
    Row("add a redirect", add_redirect, redirect_added, OFFICE),
    Row("upload an image", upload_image, image_uploaded, STAFF),
    Row("upload a document", upload_document, document_uploaded, STAFF),
    Row("narrations list", *get("/admin/narrations/", "Narration"), STAFF),
    Row("audience report", *get("/admin/audience/", "Audience"), DESK),
    Row("workflow settings", *get("/admin/workflows/list/", "Editorial review"), OFFICE),
    Row("read a live article", *get("{w.live.url}", "Colleague&#x27;s story"), EVERYONE, True),
    Row("search", *get("/search/?q=colleague", "Colleague’s story"), EVERYONE, True),
]


@pytest.fixture
def world(client, section, author, image, make_article) -> Callable[[str], World]:
    colleague = User.objects.create_user("newsroom-colleague", "c@example.org", "pw")
    colleague.groups.add(Group.objects.get(name="Reporter"))
    boss = User.objects.create_superuser("boss", "boss@example.org", "boss-pass")

    def build(role: str) -> World:
        user = None
        if role == "superuser":
            user = User.objects.create_superuser("actor", "actor@example.org", "pw")
        elif role != "anonymous":
            user = User.objects.create_user("actor", "actor@example.org", "pw")
            user.groups.add(Group.objects.get(name=role))
        if user is not None:
            client.force_login(user)
        live = make_article(title="Colleague's story", slug="colleagues-story")
        draft = make_article(title="A draft", slug="a-draft", publish=False)
        ArticlePage.objects.filter(pk=live.pk).update(owner=colleague)
        ArticlePage.objects.filter(pk=draft.pk).update(owner=user or colleague)
        return World(client, user, colleague, section, author, image, draft, live, boss)

    return build


def outcome(response, public: bool) -> str:
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/admin/login/"):
        return "sign in"
    if response.status_code == 403 or (response.status_code == 302 and location == "/admin/"):
        return "refused"
    if public:
        return "ok" if response.status_code == 200 else f"status {response.status_code}"
    return "ok" if response.status_code in (200, 302) else f"status {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_each_role_may_do_exactly_what_the_table_says(world, row, role):
    w = world(role)
    response = row.request(w)
    allowed = role in row.allowed
    expected = "ok" if allowed else ("sign in" if role == "anonymous" else row.refusal)
    assert outcome(response, row.public) == expected
    assert row.effect(w) is allowed
