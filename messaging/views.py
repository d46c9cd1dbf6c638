"""The outbox page: what the simulated gateways delivered, for staff trying the portal."""

from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import QuerySet
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from .models import OutboxMessage


@method_decorator([never_cache, staff_member_required], name="dispatch")
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
