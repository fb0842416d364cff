import pytest

pytestmark = pytest.mark.django_db


def test_register_then_read_me(api_client):
    response = api_client.post(
        "/api/v1/auth/register/",
        {"email": "New@Example.com", "password": "a long enough passphrase"},
        format="json",
    )
    assert response.status_code == 201, response.content
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == "new@example.com"
