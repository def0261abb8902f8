"""Every write and rule of live shows: shows, pins, comments, moderation, fan-out."""
