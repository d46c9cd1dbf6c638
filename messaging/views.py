"""The outbox page: what the simulated gateways delivered, for staff trying the portal."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from .models import OutboxMessage


def staff_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Staff only. Someone logged in who is not staff (a citizen trying the demo, from the app
    simulator's link) is told so in their language, not shown the admin's login page, which
    named their internal account and would end their session if they logged in there."""
    admitted = staff_member_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not request.user.is_staff:
            return render(request, "messaging/outbox_staff_only.html", status=403)
        return admitted(request, *args, **kwargs)

    return wrapper


@method_decorator([never_cache, staff_only], name="dispatch")
class OutboxView(ListView):
    template_name = "messaging/outbox.html"
    context_object_name = "outbox_messages"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[OutboxMessage]:
        messages = OutboxMessage.objects.all()
        if recipient := self.request.GET.get("to", "").strip():
            messages = messages.filter(recipient=recipient)
        return messages

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(to=self.request.GET.get("to", ""), **kwargs)
