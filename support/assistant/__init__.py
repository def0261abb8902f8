"""The shopping assistant: language, intent, retrieval, composition, guardrails.

Callers use `assistant_answer` and the two dataclasses; the stages live in their
own modules (language, intents, retrieval, compose, guardrails, llm, engine).
"""

from support.assistant.engine import assistant_answer
from support.assistant.types import HANDOFF_REASONS, INTENTS, AssistantReply, Turn

__all__ = ["HANDOFF_REASONS", "INTENTS", "AssistantReply", "Turn", "assistant_answer"]
