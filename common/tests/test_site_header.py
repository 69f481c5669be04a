"""{% site_header %} writes what base.html's header and service navigation wrote
before they became one tag, for each role, signed out, and with names to escape."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import resolve

# base.html's header and navigation before they became {% site_header %}.
OLD_HEADER = """{% load portal %}<header class="council-header" role="banner">
    <div class="govuk-width-container council-header__container">
      <a href="{% url 'home' %}" class="council-header__brand">
        <span class="council-header__council">{{ council_name }}</span>
        <span class="council-header__service">{{ service_name }}</span>
      </a>
      {% if user.is_authenticated %}
        <div class="council-header__account">
          <span class="council-header__user">{{ user.get_full_name|default:user.username }}</span>
          <a class="council-header__link" href="{% url 'account' %}">Your account</a>
          <form method="post" action="{% url 'logout' %}" class="council-header__signout">
            {% csrf_token %}
            <button type="submit" class="council-header__button">Sign out</button>
          </form>
        </div>
      {% endif %}
    </div>
  </header>

  {% if user.is_authenticated %}
    <nav class="govuk-service-navigation" aria-label="Menu" data-module="govuk-service-navigation">
      <div class="govuk-width-container">
        <div class="govuk-service-navigation__container">
          <ul class="govuk-service-navigation__list" id="navigation">
            {% service_navigation %}
            {% if can_open_admin %}
              {% url 'admin:index' as url %}{% nav_link "admin" "Administration" url %}
            {% endif %}
          </ul>
        </div>
      </div>
    </nav>
  {% endif %}"""
NEW_HEADER = "{% load portal %}{% site_header %}"
# Each use of the token masks it anew.
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _render(source, user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    request.resolver_match = resolve(path)
    html = Template(source).render(RequestContext(request))
    return CSRF_VALUE.sub('name="csrfmiddlewaretoken" value="TOKEN"', html)


def _both(user, path="/"):
    return _render(OLD_HEADER, user, path), _render(NEW_HEADER, user, path)


@pytest.mark.parametrize("path", ["/", "/proposals/", "/reports/archive/", "/admin/"])
def test_the_header_is_what_the_template_wrote_for_each_role(users_by_role, path):
    for user in users_by_role.values():
        old, new = _both(user, path)
        assert new == old
        assert "csrfmiddlewaretoken" in new


def test_the_header_is_what_the_template_wrote_for_someone_signed_out(db):
    old, new = _both(AnonymousUser())
    assert new == old
    assert "council-header__account" not in new


def test_the_header_escapes_names_as_the_template_did(head_of_ict):
    head_of_ict.first_name, head_of_ict.last_name = "<Ann & 'Bo'>", '"Lee"'
    old, new = _both(head_of_ict)
    assert new == old
    assert "&lt;Ann &amp; &#x27;Bo&#x27;&gt; &quot;Lee&quot;" in new
    head_of_ict.first_name = head_of_ict.last_name = ""
    old, new = _both(head_of_ict)
    assert new == old
    assert f">{head_of_ict.username}</span>" in new


def test_the_administration_link_shows_and_is_marked_as_before(administrator):
    administrator.is_staff = administrator.is_superuser = True
    old, new = _both(administrator, "/admin/")
    assert new == old
    assert "Administration" in new
