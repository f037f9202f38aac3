"""schemathesis over the whole OpenAPI document, in process (WSGI), with a token: no server error.

Every operation gets a bounded number of generated requests (derandomized, so a run is
repeatable), sent by a province supervisor who sees the whole test tree and owns objects the
generated ids can hit. Any 5xx fails, naming the operation and the request.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402

MAX_EXAMPLES = 10


@pytest.fixture
def wsgi_app():
    """The real WSGI application, keeping the test's database connection between requests."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from luoshi.wsgi import application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_no_operation_answers_with_a_server_error(db, request, wsgi_app):
    from luoshi.accounts.services import token_create

    from .world import World

    world = World(request)
    for name in ("county_report", "draft", "indicator", "notice"):
        world[name]  # something for the generated ids to find
    user = world.user("province-supervisor")
    _token, key = token_create(actor=user, user=user, name="schemathesis")
    headers = {"Authorization": f"Bearer {key}"}

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case):
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} → {response.status_code}: "
                f"query={case.query} body={case.body!r:.300}"
            )

        try:
            call()
        except AssertionError as exc:
            failures.append(f"{operation.label}: {str(exc).splitlines()[0]}")
    assert operations >= 30
    assert not failures, "\n".join(failures)
