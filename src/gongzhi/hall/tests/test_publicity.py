"""Policy publicity: staff CRUD, the public list/search, and the portal's selector."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gongzhi.hall.models import FAQ, PolicyArticle
from gongzhi.hall.selectors import publicity_search
from gongzhi.hall.services import article_save, faq_save


@pytest.fixture
def content(district):
    by = district.users["center"]
    article_save(
        by=by, title="城乡低保申请指南", body="申请低保需提交户口簿和收入证明。", category="民政"
    )
    article_save(by=by, title="草稿:未发布", body="低保内部草稿", published=False)
    faq_save(by=by, question="调解要收费吗?", answer="人民调解不收费。")


def test_the_search_finds_published_articles_and_faqs(content):
    articles, faqs = publicity_search("低保")
    assert [a.title for a in articles] == ["城乡低保申请指南"]
    assert list(faqs) == []
    _articles, faqs = publicity_search("调解")
    assert [f.question for f in faqs] == ["调解要收费吗?"]


def test_the_public_page_needs_no_login_and_shows_matches(client, content):
    response = client.get("/hall/publicity/", {"q": "低保"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "城乡低保申请指南" in text and "草稿" not in text


def test_a_gridworker_cannot_edit_publicity(district):
    with pytest.raises(PermissionDenied):
        article_save(by=district.users["gridworker"], title="x", body="y")
    assert PolicyArticle.objects.count() == 0


def test_an_article_without_a_title_writes_nothing(district):
    with pytest.raises(ValidationError):
        article_save(by=district.users["center"], title=" ", body="正文")
    assert PolicyArticle.objects.count() == 0


def test_the_editor_page_keeps_typed_values_on_error(district, login):
    client = login("center")
    response = client.post("/hall/publicity/faq/new/", {"question": "", "answer": "保留这段解答"})
    assert response.status_code == 400
    assert "保留这段解答" in response.content.decode() and FAQ.objects.count() == 0


def test_the_editor_page_saves_an_article(district, login):
    client = login("center")
    response = client.post(
        "/hall/publicity/article/new/", {"title": "禁毒宣传", "body": "珍爱生命", "published": "on"}
    )
    assert response.status_code == 302
    assert PolicyArticle.objects.get().title == "禁毒宣传"


def test_an_unknown_content_kind_is_not_found(district, login):
    assert login("center").get("/hall/publicity/poster/new/").status_code == 404
