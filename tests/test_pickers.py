"""Searchable pickers: the markup that static/js/app.js enhances (data-picker, grouped options,
narrowing by innovation), the vendored library and its CSP, and the item choices' scope."""
import re

from conftest import AuthActions


def page(app, user, url):
    client = app.test_client()
    AuthActions(client).login_as(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def options_of(html, name, attr="name"):
    """The first <select attr=name>'s tag and its <option> tags (optgroups included)."""
    match = re.search(rf'<select[^>]*{attr}="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no select {name}"
    return match.group(0), re.findall(r"<option[^>]*>", match.group(1))


def test_finding_item_picker_is_grouped_and_narrowed_by_the_innovation(app, world):
    html = page(app, world.trainer, f"/coaching/{world.session.id}")
    select, options = options_of(html, "finding-new-item_id", "id")
    assert "data-picker" in select
    assert 'data-picker-narrow="finding-new-innovation_id"' in select
    inn_select, _ = options_of(html, "finding-new-innovation_id", "id")
    assert "data-picker" in inn_select
    # each finding's edit form narrows by its own innovation select
    edit, _ = options_of(html, f"finding-{world.finding.id}-item_id", "id")
    assert f'data-picker-narrow="finding-{world.finding.id}-innovation_id"' in edit
    assert f'<optgroup label="{world.innovation.name}">' in html
    item_option = next(o for o in options if f'value="{world.item.id}"' in o)
    assert f'data-narrow-value="{world.innovation.id}"' in item_option
    # "none" is never narrowed away
    assert "data-narrow-value" not in next(o for o in options if 'value=""' in o)


def test_session_form_multi_selects_are_pickers(app, world):
    html = page(app, world.staff, "/coaching/new")
    for name in ("skpds", "trainers", "innovations"):
        select, _ = options_of(html, name)
        assert "data-picker" in select and "multiple" in select, name


def test_user_form_skpd_is_a_picker(app, world):
    select, _ = options_of(page(app, world.admin, "/admin/users/new"), "skpd_id")
    assert "data-picker" in select


def test_innovation_form_urusan_is_a_picker(app, world):
    select, _ = options_of(page(app, world.contact, "/innovations/new"), "related_urusan")
    assert "data-picker" in select and "multiple" in select


def test_task_form_items_are_the_chosen_skpds_only_grouped_by_innovation(app, world):
    joint = world.add_joint_session()
    html = page(app, joint.coach, f"/tindak-lanjut/new?skpd_id={world.skpd.id}")
    select, options = options_of(html, "item_id")
    assert "data-picker" in select
    values = {v for o in options for v in re.findall(r'value="(\d+)"', o)}
    assert str(joint.a.item.id) in values
    assert not values & {str(i.id) for i in joint.b.innovation.items}
    assert f'<optgroup label="{joint.a.innovation.name}">' in html


def test_a_contact_never_receives_another_skpds_items_in_a_joint_session(app, world):
    joint = world.add_joint_session()
    theirs = {str(i.id) for i in joint.b.innovation.items}
    for url in (f"/coaching/{joint.session.id}", f"/tindak-lanjut/{joint.a.task.id}",
                "/tindak-lanjut/", "/"):
        html = page(app, world.contact, url)
        offered = set(re.findall(r'<option[^>]*value="(\d+)"', html))
        assert not offered & theirs, url
        assert 'name="item_id"' not in html or url == "/", url


def test_base_page_loads_the_vendored_picker_without_inline_code(app, world):
    html = page(app, world.staff, "/coaching/new")
    assert '<script src="/static/vendor/tom-select/tom-select.complete.min.js"></script>' in html
    assert 'href="/static/vendor/tom-select/tom-select.bootstrap5.min.css"' in html
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) is None  # no inline script
    assert "style=" not in html  # the CSP forbids inline styles
    client = app.test_client()
    for asset in ("vendor/tom-select/tom-select.complete.min.js",
                  "vendor/tom-select/tom-select.bootstrap5.min.css",
                  "vendor/tom-select/LICENSE"):
        assert client.get(f"/static/{asset}").status_code == 200, asset
