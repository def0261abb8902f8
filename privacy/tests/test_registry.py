from live.models import Comment
from privacy.registry import ErasureAction, registry_entry


def test_live_comments_are_anonymized_on_erasure():
    entry = registry_entry(Comment)

    assert entry is not None
    assert entry.erasure == ErasureAction.ANONYMIZE
