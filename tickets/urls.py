from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/cancel/", views.cancel_flow, name="cancel_flow"),
    path("contact/cancel/callback/<str:reference>/", views.callback_done, name="callback_done"),
    path("contact/cancel/go/<int:link_id>/", views.self_service_link, name="self_service_link"),
    path("agent/callbacks/", views.agent_callbacks, name="agent_callbacks"),
    path("agent/callbacks/<int:pk>/", views.agent_callback, name="agent_callback"),
    path("agent/callbacks/<int:pk>/claim/", views.agent_callback_claim, name="agent_callback_claim"),
]
