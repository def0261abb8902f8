"""Recording a show in this process: one file per host codec, the best one kept."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

from live.media.recorder import Recording, ShowRecorder, recording_extension
from live.models import Show

if TYPE_CHECKING:
    from live.streaming.sessions import ShowStream

RECORDINGS_DIR = "recordings"


def recording_enabled() -> bool:
    """Whether shows are recorded (``LIVE_RECORDING``, on by default)."""
    return settings.LIVE_RECORDING


def recording_path(show_id: int, video_mime: str) -> Path:
    """A file name for the show's recording in that codec, not taken yet."""
    directory = Path(settings.MEDIA_ROOT) / RECORDINGS_DIR
    extension = recording_extension(video_mime)
    path = directory / f"{show_id}.{extension}"
    counter = 2
    while path.exists():
        path = directory / f"{show_id}-{counter}.{extension}"
        counter += 1
    return path


def recorder_start(stream: ShowStream, kinds: tuple[str, ...]) -> None:
    """Record what the stream's relay forwards, unless a recorder already does."""
    if stream.recorder is not None or not recording_enabled():
        return
    path = recording_path(stream.show_id, stream.video_mime)
    # Reserve the name, so a second recorder of this show picks the next one.
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    recorder = ShowRecorder(
        stream.relay, path=path, kinds=kinds, video_mime=stream.video_mime
    )
    recorder.start()
    stream.recorder = recorder
    stream.recorders.append(recorder)


async def recorder_stop(stream: ShowStream) -> None:
    """Stop the stream's current recorder; its file waits for the show's end."""
    if stream.recorder is not None:
        await stream.recorder.stop()
        stream.recorder = None


def show_recording_attach(*, show_id: int, recording: Recording) -> None:
    """Point the show at its recording and note when the recording starts."""
    name = recording.path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()
    Show.objects.filter(pk=show_id).update(
        recording=name, recording_started_at=recording.started_at
    )
