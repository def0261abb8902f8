"""What the relay needs to know about an encoded frame: is it a keyframe?

A viewer can only start (or restart after loss) at a keyframe, so the relay inspects
each frame the host sends, without decoding it. Frames are as aiortc depayloads them:
a VP8 frame without its payload descriptor, H264 as Annex B (start codes before each
NAL unit). Every Opus frame decodes on its own, so every audio frame counts.
"""

from collections.abc import Iterator

VP8_START_CODE = b"\x9d\x01\x2a"
H264_START_CODE = b"\x00\x00\x01"
H264_NAL_IDR_SLICE = 5


def _vp8_is_keyframe(data: bytes) -> bool:
    # RFC 6386 9.1: bit 0 of the frame tag is 0 for a key frame, which carries the
    # start code 9d 01 2a after the 3-byte tag.
    return len(data) >= 10 and not data[0] & 1 and data[3:6] == VP8_START_CODE


def _h264_nal_unit_types(data: bytes) -> Iterator[int]:
    position = data.find(H264_START_CODE)
    while position != -1 and position + 3 < len(data):
        yield data[position + 3] & 0x1F
        position = data.find(H264_START_CODE, position + 3)


def is_keyframe(mime_type: str, data: bytes) -> bool:
    """Whether a decoder can start at this encoded frame."""
    kind, _, codec = mime_type.lower().partition("/")
    if kind == "audio":
        return True
    if codec == "vp8":
        return _vp8_is_keyframe(data)
    if codec == "h264":
        return H264_NAL_IDR_SLICE in _h264_nal_unit_types(data)
    raise ValueError(f"Cannot inspect {mime_type} frames")
