"""Every write and rule of support: conversations, handoff, calls, outcomes."""
