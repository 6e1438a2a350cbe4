"""The application starts and each role reaches its own home page."""
import pytest


def test_login_page_is_indonesian_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert '<html lang="id">' in body
    assert "Masuk ke Klinik Inovasi" in body


@pytest.mark.parametrize("role", ["admin", "staff", "trainer", "contact"])
def test_each_role_sees_its_home(client, auth, make_user, role):
    user = make_user(role=role)
    auth.login_as(user)
    response = client.get("/")
    assert response.status_code == 200
    assert user.name in response.get_data(as_text=True)
