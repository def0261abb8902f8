import pytest

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 40  # 10 240 bytes, each position recognisable


@pytest.fixture
def recording(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "recordings").mkdir()
    (tmp_path / "recordings" / "show-1.webm").write_bytes(CONTENT)
    return "/media/recordings/show-1.webm"


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_recording_without_range_is_sent_whole_and_says_it_takes_ranges(
    client, recording
):
    response = client.get(recording)

    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"
    assert _body(response) == CONTENT


def test_a_range_request_gets_206_and_only_those_bytes(client, recording):
    response = client.get(recording, headers={"range": "bytes=1000-1999"})

    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 1000-1999/10240"
    assert response["Content-Length"] == "1000"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/webm"
    assert _body(response) == CONTENT[1000:2000]


def test_an_open_ended_range_runs_to_the_end_of_the_file(client, recording):
    response = client.get(recording, headers={"range": "bytes=10000-"})

    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 10000-10239/10240"
    assert _body(response) == CONTENT[10000:]


def test_a_suffix_range_gets_the_last_bytes(client, recording):
    response = client.get(recording, headers={"range": "bytes=-240"})

    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 10000-10239/10240"
    assert _body(response) == CONTENT[-240:]


def test_a_range_past_the_end_is_trimmed_to_the_file(client, recording):
    response = client.get(recording, headers={"range": "bytes=10200-20000"})

    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 10200-10239/10240"
    assert _body(response) == CONTENT[10200:]


@pytest.mark.parametrize("header", ["bytes=10240-", "bytes=20000-20100", "bytes=-0"])
def test_an_unsatisfiable_range_gets_416_with_the_size(client, recording, header):
    response = client.get(recording, headers={"range": header})

    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */10240"


def test_a_reversed_range_gets_416(client, recording):
    response = client.get(recording, headers={"range": "bytes=500-100"})

    assert response.status_code == 416


@pytest.mark.parametrize("header", ["items=0-10", "bytes=0-10,20-30", "bytes=x-y"])
def test_a_range_header_it_does_not_understand_gets_the_whole_file(
    client, recording, header
):
    response = client.get(recording, headers={"range": header})

    assert response.status_code == 200
    assert _body(response) == CONTENT


def test_a_stale_if_range_gets_the_whole_file(client, recording):
    response = client.get(
        recording,
        headers={"range": "bytes=0-9", "if-range": "Mon, 01 Jan 2001 00:00:00 GMT"},
    )

    assert response.status_code == 200
    assert _body(response) == CONTENT


def test_a_missing_recording_is_404(client, recording):
    assert client.get("/media/recordings/none.webm").status_code == 404
