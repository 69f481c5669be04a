"""What every install needs after migrate: the strategy catalogue.

The role groups carry no model permissions: the Django admin is for superusers only,
and the Administrator role works in the portal's own pages (governance.accounts)."""

from common.services import after_migrate as common_after_migrate

from .catalogue import catalogue_load
from .models import Theme

after_migrate = common_after_migrate(Theme, catalogue_load)
