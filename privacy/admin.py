"""The privacy app's admin: each domain registers its models in its own module."""

from privacy import personal_data_compliance
from privacy.admins import compliance as compliance_admin

__all__ = ["compliance_admin", "personal_data_compliance"]
