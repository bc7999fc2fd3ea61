"""Services the pages rely on: follows and votes are one per user, official answers are
agent-only, and nothing is written when a check fails."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from articles import services
from articles.models import Comment, Follow, Vote


def test_following_twice_keeps_one_follow(make_article, customer):
    article = make_article()
    assert services.follow_set(user=customer, target=article, following=True) is True
    assert services.follow_set(user=customer, target=article, following=True) is False
    assert Follow.objects.filter(article=article).count() == 1
    assert services.follow_set(user=customer, target=article, following=False) is True
    assert not Follow.objects.exists()


def test_second_vote_replaces_the_first(make_article, customer):
    article = make_article()
    services.vote_set(user=customer, article=article, helpful=True)
    services.vote_set(user=customer, article=article, helpful=False)
    assert list(Vote.objects.values_list("helpful", flat=True)) == [False]


def test_asking_a_question_follows_it(make_post, customer):
    post = make_post()
    assert Follow.objects.filter(user=customer, post=post).exists()


def test_only_agents_mark_agent_comments_official(make_post, agent, customer):
    post = make_post()
    agent_reply = services.comment_create(author=agent, target=post, body="agent")
    customer_reply = services.comment_create(author=customer, target=post, body="customer")
    with pytest.raises(PermissionDenied):
        services.comment_set_official(comment=agent_reply, by=customer, official=True)
    with pytest.raises(PermissionDenied):
        services.comment_set_official(comment=customer_reply, by=agent, official=True)
    assert not Comment.objects.filter(is_official=True).exists()
    services.comment_set_official(comment=agent_reply, by=agent, official=True)
    assert Comment.objects.get(is_official=True) == agent_reply


def test_drafts_take_no_comments_or_votes(make_article, agent):
    draft = make_article(draft=True)
    with pytest.raises(PermissionDenied):
        services.comment_create(author=agent, target=draft, body="x")
    with pytest.raises(PermissionDenied):
        services.vote_set(user=agent, article=draft, helpful=True)


def test_bracket_bomb_comment_is_refused_and_not_saved(make_post, customer):
    with pytest.raises(ValidationError):
        services.comment_create(author=customer, target=make_post(), body="[" * 5000)
    assert not Comment.objects.exists()
