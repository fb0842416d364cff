import pytest


def test_healthz_answers_without_the_database(client):
    # No django_db mark: any query here would raise.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_checks_the_database(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_api_root_links_to_the_docs_and_schema(api_client):
    links = api_client.get("/api/v1/").json()["links"]

    assert links["schema"].endswith("/api/schema/")
    assert links["docs"].endswith("/api/docs/")
    assert links["login"].endswith("/api/v1/auth/login/")
