"""Background jobs in view tests (issue 16): a view that starts a job redirects to the job's
page; with the in-process task backend the job runs when the request's transaction commits, so
a test captures the on-commit callbacks (``django_capture_on_commit_callbacks``) and then
follows the redirect to the job and downloads its file as the requester would."""

from django.urls import reverse

from core.models import Job


def job_of(response) -> Job:
    """The job whose page the response redirects to."""
    location = response["Location"]
    for job in Job.objects.order_by("-pk"):
        if location == reverse("job_detail", args=[job.pk]):
            return job
    raise LookupError(f"{location} is not a job's page")


def download(client, job: Job):
    """The job's page (which must offer the file) and then the file, as its requester."""
    job.refresh_from_db()
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    link = reverse("job_download", args=[job.pk])
    if job.status != Job.Status.SUCCEEDED or link not in page:
        raise LookupError(f"job {job.pk} has no file: {job.status} {job.outcome}")
    response = client.get(link)
    response.body = b"".join(response.streaming_content)
    return response
