"""URLs of enrollment."""

from django.urls import path

from . import views

app_name = "enrollment"

urlpatterns = [
    path("", views.start, name="start"),
    path("bank/", views.BankView.as_view(), name="bank"),
    path("terms/", views.TermsView.as_view(), name="terms"),
    path("method/", views.MethodView.as_view(), name="method"),
    path("contact/", views.ContactView.as_view(), name="contact"),
    path("contact/confirm/", views.ConfirmContactView.as_view(), name="confirm_contact"),
    path("user-id/", views.UserIdView.as_view(), name="user_id"),
    path("delivery/", views.DeliveryView.as_view(), name="delivery"),
    path("receipt/", views.receipt, name="receipt"),
    path("receipt/new-code/", views.renew_activation_code, name="renew_activation_code"),
    path("documents/<slug:slug>/", views.document, name="document"),
    path("documents/<slug:slug>.pdf", views.document_pdf, name="document_pdf"),
    path("check-user-id/", views.check_user_id, name="check_user_id"),
]
