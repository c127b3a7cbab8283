import pytest
from django.contrib.auth import get_user_model

def test_scratch_richtext(client, make_article):
    a = make_article(body=[{"type": "paragraph", "value": '<p>Hi <img src="x.png" alt="a"></p>'}])
    admin = get_user_model().objects.create_superuser("root", "r@x.org", "pw")
    client.force_login(admin)
    r = client.get(f"/admin/pages/{a.pk}/edit/")
    print(r.status_code)

def test_scratch_ctrl(client, make_article):
    a = make_article(dek="bad \x01 dek")
    for u in ["/feeds/rss.xml", "/feeds/atom.xml", "/news-sitemap.xml", "/podcast.xml"]:
        try:
            r = client.get(u)
            print(u, r.status_code)
        except Exception as e:
            print(u, repr(e)[:200])
