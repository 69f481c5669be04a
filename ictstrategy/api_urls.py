"""/api/v1/: a list and detail endpoint for every declared list (common.lists), with
the writes each app offers (its api.py), and the OpenAPI schema at /api/schema/."""

from django.urls import path

from common.api import list_views
from common.lists import registered
from governance import api as governance_api
from projects import api as projects_api
from risks import api as risks_api

OVERRIDES = {**projects_api.VIEWS}
ACTIONS = [*projects_api.ACTIONS, *risks_api.ACTIONS, *governance_api.ACTIONS]

app_name = "api"
urlpatterns = []
for name, declared in sorted(registered().items()):
    list_view, detail_view = OVERRIDES.get(name) or list_views(declared)
    urlpatterns.append(path(f"{name}/", list_view.as_view(), name=f"{name}-list"))
    if detail_view is not None:
        urlpatterns.append(
            path(f"{name}/<int:pk>/", detail_view.as_view(), name=f"{name}-detail")
        )
urlpatterns += [path(route, view.as_view(), name=name) for route, view, name in ACTIONS]
