from django.urls import path

from . import views, views_dashboard, views_escalation, views_requests

app_name = "tickets"

urlpatterns = [
    path("contact/", views.contact, name="contact"),
    path("contact/cancel/", views.cancel_flow, name="cancel_flow"),
    path("contact/cancel/callback/<str:reference>/", views.callback_done, name="callback_done"),
    path("contact/cancel/go/<int:link_id>/", views.self_service_link, name="self_service_link"),
    path("agent/callbacks/", views.agent_callbacks, name="agent_callbacks"),
    path("agent/callbacks/<int:pk>/", views.agent_callback, name="agent_callback"),
    path("agent/callbacks/<int:pk>/claim/", views.agent_callback_claim, name="agent_callback_claim"),
    # The request desk
    path("requests/", views_requests.request_list, name="request_list"),
    path("requests/new/", views_requests.request_create, name="request_create"),
    path("requests/suggest.json", views_requests.request_suggest, name="request_suggest"),
    path("requests/answered/", views_requests.request_deflect, name="request_deflect"),
    path("requests/sent/<str:reference>/", views_requests.request_done, name="request_done"),
    path("requests/solved/<str:signed>/", views_requests.request_solved, name="request_solved"),
    path("requests/t/<str:token>/", views_requests.request_token, name="request_token"),
    path("requests/t/<str:token>/files/<int:pk>/", views_requests.request_token_attachment,
         name="request_token_attachment"),
    path("requests/<str:reference>/", views_requests.request_detail, name="request_detail"),
    path("requests/<str:reference>/files/<int:pk>/", views_requests.request_attachment, name="request_attachment"),
    path("agent/tickets/", views_requests.agent_queue, name="agent_queue"),
    path("agent/tickets/<str:reference>/", views_requests.agent_ticket, name="agent_ticket"),
    # The deflection dashboard
    path("agent/dashboard/", views_dashboard.dashboard, name="dashboard"),
    path("agent/dashboard/export.csv", views_dashboard.dashboard_csv, name="dashboard_csv"),
    path("agent/posts/<int:pk>/escalate/", views_escalation.post_escalate, name="post_escalate"),
]
