"""GOV.UK Notify as the e-mail transport (issue 16, item 6): messages the app queues reach Notify's
API as its plain template with the subject and body filled in, signed with the service's key;
a refused call is retried like any other e-mail; production chooses Notify when its key is set;
``manage.py check`` refuses a key or template ID Notify would refuse.

Notify itself cannot be reached from here, so a local HTTP server answers at its address
(``GOVUK_NOTIFY_BASE_URL``) the way its API does: it checks the bearer token against the
service's secret with PyJWT and answers 201 with a notification, or the status it is told to.
Everything between the queue and the socket is the real code (django-gov-notify and Notify's
own Python client)."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.core import mail
from django.urls import reverse

from core import checks, tasks
from core.mail import key_problem, template_problem
from core.models import Job
from tests.config.test_settings import run_manage

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"improvement_plans_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())


class FakeNotify(ThreadingHTTPServer):
    """Notify's ``POST /v2/notifications/email`` on loopback: each call it accepted, and the
    statuses to answer with before it accepts again."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), NotifyHandler)
        self.accepted: list[dict] = []
        self.refuse_with: list[int] = []
        self.calls = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class NotifyHandler(BaseHTTPRequestHandler):
    server: FakeNotify

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass

    def answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802 - http.server's name
        self.server.calls += 1
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/v2/notifications/email":
            return self.answer(404, {"errors": [{"error": "NotFound"}]})
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
        except jwt.PyJWTError as error:
            return self.answer(403, {"errors": [{"error": "AuthError", "message": str(error)}]})
        if claims.get("iss") != SERVICE_ID:
            return self.answer(403, {"errors": [{"error": "AuthError", "message": "service"}]})
        if self.server.refuse_with:
            status = self.server.refuse_with.pop(0)
            return self.answer(status, {"errors": [{"error": "Exception", "message": "down"}]})
        self.server.accepted.append(payload)
        notification = str(uuid.uuid4())
        return self.answer(
            201,
            {
                "id": notification,
                "reference": None,
                "content": {
                    "subject": payload["personalisation"]["subject"],
                    "body": payload["personalisation"]["body"],
                    "from_email": "improvement.plans@notifications.service.gov.uk",
                },
                "uri": f"{self.server.url}/v2/notifications/{notification}",
                "template": {"id": payload["template_id"], "version": 1, "uri": ""},
            },
        )


@pytest.fixture
def notify(settings):
    server = FakeNotify()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "core.mail.NotifyBackend"
    settings.GOVUK_NOTIFY_API_KEY = API_KEY
    settings.GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = TEMPLATE_ID
    settings.GOVUK_NOTIFY_BASE_URL = server.url
    yield server
    server.shutdown()
    server.server_close()


def test_a_queued_message_reaches_notify_as_its_plain_template(
    notify, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tasks.queue_email(
            "Update due: 2.3 Recruit foster carers", "Please give your update.", ["a@example.org"]
        )
    assert notify.accepted == [
        {
            "email_address": "a@example.org",
            "template_id": TEMPLATE_ID,
            "personalisation": {
                "subject": "Update due: 2.3 Recruit foster carers",
                "body": "Please give your update.",
            },
        }
    ]
    assert mail.outbox == []  # Notify sent it, not Django's test outbox


def test_notify_is_called_once_for_each_recipient(notify):
    sent = tasks.send_email.enqueue(
        "Board pack issued", "The pack is ready.", ["a@example.org", "b@example.org"], None, 1
    )
    assert sent.status == "SUCCESSFUL"
    assert [call["email_address"] for call in notify.accepted] == [
        "a@example.org",
        "b@example.org",
    ]


def test_a_refused_call_is_retried_and_then_delivered(notify, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    notify.refuse_with = [500]
    tasks.send_email.enqueue("Reminder", "Body", ["a@example.org"], None, 1)
    assert notify.calls == 2
    assert [call["email_address"] for call in notify.accepted] == ["a@example.org"]


def test_a_wrong_key_is_refused_by_notify_and_never_counts_as_sent(notify, settings):
    settings.TASK_MAX_ATTEMPTS = 2
    settings.GOVUK_NOTIFY_API_KEY = f"improvement_plans_test-{SERVICE_ID}-{uuid.uuid4()}"
    tasks.send_email.enqueue("Reminder", "Body", ["a@example.org"], None, 1)
    assert notify.calls == 2 and notify.accepted == []


def test_update_reminders_go_out_through_notify(notify, django_capture_on_commit_callbacks):
    from tests.actions.test_reminders import TODAY, setup_plan

    setup_plan()
    with django_capture_on_commit_callbacks(execute=True):
        tasks.start_job(Job.Kind.REMINDERS, today=TODAY.isoformat())
    assert [call["email_address"] for call in notify.accepted] == ["busy@example.org"]
    reminder = notify.accepted[0]["personalisation"]
    assert reminder["subject"] and "update" in reminder["body"].lower()


def test_a_password_reset_goes_out_through_the_queue_and_notify(
    notify, client, django_capture_on_commit_callbacks
):
    from tests import factories

    factories.user(username="sam", email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("password_reset"), {"email": "sam@example.org"})
    assert response.status_code == 302
    assert notify.calls == 0 and len(callbacks) == 1  # the request did not wait for the send
    callbacks[0]()
    [sent] = notify.accepted
    assert sent["email_address"] == "sam@example.org"
    assert sent["personalisation"]["subject"].startswith("Reset your password")
    assert "/password-reset/" in sent["personalisation"]["body"]


@pytest.mark.parametrize(
    ("key", "template", "errors"),
    [
        (API_KEY, TEMPLATE_ID, []),
        ("", TEMPLATE_ID, ["core.E002"]),
        (f"name-{SERVICE_ID}-not-a-secret", TEMPLATE_ID, ["core.E002"]),
        (f"{SERVICE_ID}-{SECRET}", TEMPLATE_ID, ["core.E002"]),
        (API_KEY, "", ["core.E003"]),
        (API_KEY, "plain-template", ["core.E003"]),
    ],
    ids=["good", "no-key", "bad-secret", "no-name", "no-template", "bad-template"],
)
def test_the_system_check_refuses_what_notify_would_refuse(settings, key, template, errors):
    settings.EMAIL_BACKEND = "core.mail.NotifyBackend"
    settings.GOVUK_NOTIFY_API_KEY = key
    settings.GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = template
    assert [e.id for e in checks.notify_settings()] == errors


def test_the_check_leaves_other_transports_alone(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.GOVUK_NOTIFY_API_KEY = ""
    assert checks.notify_settings() == []


def test_the_shape_checks_say_what_is_wrong():
    assert key_problem(API_KEY) is None and template_problem(TEMPLATE_ID) is None
    assert "service ID" in key_problem(f"name-{SERVICE_ID}-{SECRET[:-1]}x-")
    assert template_problem("") == "it is not set"


PRODUCTION = {"SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "plans.example.org"}
SHOW_BACKEND = "from django.conf import settings; print(settings.EMAIL_BACKEND)"


@pytest.mark.slow
def test_production_sends_through_notify_when_its_key_is_set():
    smtp = run_manage(
        "shell", "-c", SHOW_BACKEND, EMAIL_URL="smtp://mail.example.org:25", **PRODUCTION
    )
    assert smtp.stdout.strip().endswith("django.core.mail.backends.smtp.EmailBackend"), smtp.stderr
    notify = run_manage(
        "shell",
        "-c",
        SHOW_BACKEND,
        GOVUK_NOTIFY_API_KEY=API_KEY,
        GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID=TEMPLATE_ID,
        **PRODUCTION,
    )
    assert notify.stdout.strip().endswith("core.mail.NotifyBackend"), notify.stderr
    refused = run_manage("check", GOVUK_NOTIFY_API_KEY=API_KEY, **PRODUCTION)
    assert refused.returncode != 0 and "core.E003" in refused.stderr
