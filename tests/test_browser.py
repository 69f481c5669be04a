"""Each demo role signs in with real Chromium, sees its home page and walks the
strategy; axe checks every page visited."""

import re

import pytest
from playwright.sync_api import expect

from governance.models import ActionPlanItem, Objective, Principle, Strategy

from .conftest import sign_in

pytestmark = pytest.mark.browser

ROLE_HOME_PANELS = {
    "officer": ["Your business unit's action-plan items", "Action-plan items you own"],
    "member": ["Action-plan items you own"],
    "chair": ["Action-plan items you own"],
    "headofict": ["Gaps and overdue work in the strategy", "Action-plan items you own"],
    "admin": ["Accounts needing attention"],
}


def test_anonymous_visitor_is_sent_to_sign_in(page, live_server, demo, axe):
    page.goto(f"{live_server.url}/strategy/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/strategy/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")
    axe.check(page)
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    axe.check(page)


def test_wrong_password_is_shown_in_an_error_summary(page, live_server, demo, axe):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page).to_have_title(re.compile("^Error: "))
    axe.check(page)


def test_five_wrong_passwords_pause_sign_in_with_a_page_that_says_why(page, live_server, demo, axe):
    for attempt in range(5):
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill(f"not-the-password-{attempt}")
        page.keyboard.press("Enter")
        if attempt < 4:  # wait for the answer before the next try
            expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign-in paused for 15 minutes")
    expect(page.get_by_text("You can try again in 15 minutes")).to_be_visible()
    axe.check(page)


def test_the_browser_refuses_script_injected_into_a_page(browser, live_server, db):
    # Its own tab: the `page` fixture fails a test on any blocked script, and here a
    # blocked script is the point.
    context = browser.new_context()
    tab = context.new_page()
    blocked = []
    tab.on("console", lambda message: blocked.append(message.text))
    tab.goto(f"{live_server.url}/sign-in/")
    # What a stored cross-site-scripting flaw would write into the page.
    tab.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=\"window.hit=1\">');"
        "const s = document.createElement('script'); s.textContent = 'window.hit = 2';"
        "document.body.append(s);"
    )
    tab.wait_for_timeout(200)
    assert tab.evaluate("window.hit") is None
    assert any("Content Security Policy" in text for text in blocked)
    context.close()


@pytest.mark.parametrize("username", list(ROLE_HOME_PANELS))
def test_each_demo_role_signs_in_sees_its_home_page_and_the_strategy(
    username, page, live_server, demo, axe
):
    sign_in(page, live_server, username)
    for panel in ROLE_HOME_PANELS[username]:
        expect(page.get_by_role("heading", name=panel)).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="Strategy", exact=True).click()
    strategy = Strategy.objects.get(start_year=2012)
    expect(page.get_by_role("heading", level=1)).to_have_text(strategy.title)
    for theme in strategy.themes.all():
        expect(page.get_by_role("heading", name=theme.title)).to_be_visible()
    for principle in Principle.objects.filter(strategy=strategy):
        expect(page.get_by_role("link", name=principle.title, exact=True)).to_be_visible()
    axe.check(page)

    theme = strategy.themes.get(number=2)
    page.get_by_role("link", name=re.compile(f"^Theme 2 {re.escape(theme.title)}")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(theme.title)
    axe.check(page)

    objective = Objective.objects.filter(theme=theme).first()
    page.get_by_role("link", name=re.compile(f"^Objective {objective.reference}:")).first.click()
    axe.check(page)

    item = ActionPlanItem.objects.filter(objective=objective).first()
    page.get_by_role("link", name=f"{item.reference} {item.title}").click()
    expect(page.get_by_text("RAG status")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="History of this action-plan item").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History")
    axe.check(page)

    page.goto(f"{live_server.url}/strategies/")
    axe.check(page)
    page.goto(f"{live_server.url}/principles/{strategy.principles.first().pk}/")
    axe.check(page)

    if username == "admin":
        page.get_by_role("link", name="Background tasks").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Background tasks")
        axe.check(page)
    else:
        page.goto(f"{live_server.url}/system/tasks/")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "You do not have access to this page"
        )
        axe.check(page)

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign in")


def test_head_of_ict_edits_an_action_item_by_keyboard_and_sees_it_in_history(
    page, live_server, demo, axe
):
    item = ActionPlanItem.objects.filter(progress__lt=100, due_date__isnull=False).first()
    due_date = item.due_date
    sign_in(page, live_server, "headofict")
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    edit = page.get_by_role("link", name="Edit action-plan item")
    edit.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Edit action {item.reference}")
    axe.check(page)

    page.get_by_label("Progress (%)").fill("250")
    page.get_by_label("Progress (%)").press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary.get_by_role("link")).to_contain_text("Progress must be 100 or less")
    axe.check(page)

    page.get_by_label("Progress (%)").fill("85")
    page.get_by_label("Progress (%)").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Action-plan item updated")
    expect(page.get_by_text("85%")).to_be_visible()
    axe.check(page)

    page.get_by_role("link", name="History of this action-plan item").click()
    expect(page.get_by_role("heading", name=re.compile("^Changed by David Okafor"))).to_be_visible()
    axe.check(page)
    item.refresh_from_db()
    assert (item.progress, item.due_date) == (85, due_date)
