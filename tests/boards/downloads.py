"""Pack downloads as the product serves them (issue 16): the first request finds no stored file,
starts the job that makes it and shows "being prepared" (in a test the job runs when the
request's transaction would have committed); the next request streams the stored file."""

from django.test import TestCase


def fetch_pack(client, url):
    """The response that streams the pack file, after the "being prepared" page."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        first = client.get(url)
    if first.status_code != 200 or first.streaming:
        return first
    assert "is being prepared" in first.content.decode()
    response = client.get(url)
    assert response.streaming, "the stored file was not served once the job had run"
    return response


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def pack_bytes(client, url) -> bytes:
    return body(fetch_pack(client, url))
