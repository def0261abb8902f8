from django.urls import path

from support import knowledge_views

app_name = "support_help"

urlpatterns = [
    path("<slug:slug>/", knowledge_views.article, name="article"),
]
