from django.urls import path

from privacy import catalog_views

app_name = "catalog_publish"

urlpatterns = [path("import/", catalog_views.catalog_import_view, name="import")]
