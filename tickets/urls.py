from django.urls import path

from .views import cancel_flow, dashboard, escalation, requests

app_name = "tickets"

urlpatterns = [
    path("contact/", cancel_flow.contact, name="contact"),
    path("contact/cancel/", cancel_flow.cancel_flow, name="cancel_flow"),
    path("contact/cancel/event/", cancel_flow.cancel_flow_event, name="cancel_flow_event"),
    path("contact/cancel/callback/<str:reference>/", cancel_flow.callback_done, name="callback_done"),
    path("contact/cancel/go/<int:link_id>/", cancel_flow.self_service_link, name="self_service_link"),
    path("agent/callbacks/", cancel_flow.agent_callbacks, name="agent_callbacks"),
    path("agent/callbacks/<int:pk>/", cancel_flow.agent_callback, name="agent_callback"),
    path("agent/callbacks/<int:pk>/claim/", cancel_flow.agent_callback_claim, name="agent_callback_claim"),
    # The request desk
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_create, name="request_create"),
    path("requests/suggest.json", requests.request_suggest, name="request_suggest"),
    path("requests/answered/", requests.request_deflect, name="request_deflect"),
    path("requests/sent/<str:reference>/", requests.request_done, name="request_done"),
    path("requests/solved/<str:signed>/", requests.request_solved, name="request_solved"),
    path("requests/t/<str:token>/", requests.request_token, name="request_token"),
    path("requests/t/<str:token>/files/<int:pk>/", requests.request_token_attachment,
         name="request_token_attachment"),
    path("requests/<str:reference>/", requests.request_detail, name="request_detail"),
    path("requests/<str:reference>/files/<int:pk>/", requests.request_attachment, name="request_attachment"),
    path("agent/tickets/", requests.agent_queue, name="agent_queue"),
    path("agent/tickets/<str:reference>/", requests.agent_ticket, name="agent_ticket"),
    # The deflection dashboard
    path("agent/dashboard/", dashboard.dashboard, name="dashboard"),
    path("agent/dashboard/export.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("agent/posts/<int:pk>/escalate/", escalation.post_escalate, name="post_escalate"),
]
