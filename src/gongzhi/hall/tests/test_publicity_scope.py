"""A township center cannot change or delete the district's policy articles (issue 12,
finding 10); authors keep their own, and the district admin covers everyone's."""

import pytest
from django.core.exceptions import PermissionDenied

from gongzhi.hall.models import PolicyArticle
from gongzhi.hall.services import article_delete, article_save


def article(by, title="全区政策"):
    return article_save(by=by, title=title, body="正文内容")


def test_a_township_center_cannot_delete_or_edit_the_district_admins_article(district):
    mine = article(district.users["admin"])

    with pytest.raises(PermissionDenied):
        article_delete(by=district.users["center"], article=mine)
    with pytest.raises(PermissionDenied):
        article_save(by=district.users["center"], title="改", body="改", article=mine)

    assert PolicyArticle.objects.get().title == "全区政策"


def test_another_townships_center_cannot_delete_a_centers_article(district):
    theirs = article(district.users["center"], title="金泉路公告")

    with pytest.raises(PermissionDenied):
        article_delete(by=district.users["xifeng_center"], article=theirs)

    assert PolicyArticle.objects.exists()


def test_authors_and_the_district_admin_may_change_and_delete(district):
    own = article(district.users["center"], title="金泉路公告")
    article_save(by=district.users["center"], title="金泉路公告(修订)", body="新", article=own)
    article_delete(by=district.users["admin"], article=own)
    district_one = article(district.users["admin"])
    article_delete(by=district.users["admin"], article=district_one)

    assert not PolicyArticle.objects.exists()
