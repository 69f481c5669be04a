"""{% site_header %}, {% site_messages %} and {% site_footer %} write what base.html's
header and service navigation, messages and footer wrote before each became one tag,
for each role, signed out, and with names and messages to escape."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import ERROR, INFO, SUCCESS, WARNING, add_message
from django.contrib.messages.storage.cookie import CookieStorage
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.urls import resolve
from django.utils.safestring import mark_safe

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


# includes/messages.html before it became {% site_messages %}.
OLD_MESSAGES = """{% for message in messages %}
  {% if message.level_tag == "success" %}
    <div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="message-title-{{ forloop.counter }}" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="message-title-{{ forloop.counter }}">Success</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">{{ message }}</p>
      </div>
    </div>
  {% else %}
    <div class="govuk-notification-banner" role="region" aria-labelledby="message-title-{{ forloop.counter }}" data-module="govuk-notification-banner">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="message-title-{{ forloop.counter }}">{% if message.level_tag == "error" %}There is a problem{% else %}Important{% endif %}</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-notification-banner__heading">{{ message }}</p>
      </div>
    </div>
  {% endif %}
{% endfor %}
"""
# base.html's footer before it became {% site_footer %}.
OLD_FOOTER = """<footer class="govuk-footer" role="contentinfo">
    <div class="govuk-width-container">
      <div class="govuk-footer__meta">
        <div class="govuk-footer__meta-item govuk-footer__meta-item--grow">
          <h2 class="govuk-visually-hidden">Support links</h2>
          <ul class="govuk-footer__inline-list">
            <li class="govuk-footer__inline-list-item">
              <a class="govuk-footer__link" href="{% url 'accessibility' %}">Accessibility statement</a>
            </li>
          </ul>
          <p class="govuk-body-s govuk-!-margin-bottom-0">{{ service_name }}, run by {{ council_name }}.</p>
        </div>
      </div>
    </div>
  </footer>"""


def _with_messages(*messages):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)
    for level, text in messages:
        add_message(request, level, text)
    return RequestContext(request)


@pytest.mark.parametrize(
    "messages",
    [
        [],
        [(SUCCESS, "Saved.")],
        [(ERROR, "Not <saved> & 'why'")],
        [(INFO, "Note"), (WARNING, mark_safe("<b>Safe</b>")), (SUCCESS, "Done"), (ERROR, "No")],
    ],
)
def test_the_messages_are_what_the_template_wrote(messages):
    old = Template(OLD_MESSAGES).render(_with_messages(*messages))
    new = Template("{% load portal %}{% site_messages %}").render(_with_messages(*messages))
    assert new == old


def test_the_messages_are_marked_shown_so_they_show_once():
    context = _with_messages((SUCCESS, "Saved."))
    assert not context.request._messages.used
    Template("{% load portal %}{% site_messages %}").render(context)
    assert context.request._messages.used


def test_the_footer_is_what_the_template_wrote(db):
    context = _with_messages()
    old = Template(OLD_FOOTER).render(context)
    assert Template("{% load portal %}{% site_footer %}").render(context) == old
    assert "Accessibility statement" in old
    context.update({"service_name": "<S&S>", "council_name": "O'Council"})
    old = Template(OLD_FOOTER).render(context)
    assert Template("{% load portal %}{% site_footer %}").render(context) == old
