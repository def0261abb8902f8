"""Every write and rule of the privacy app: requests, export, erasure, deadlines."""
