"""The signed-in user's notifications: a list, and marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from licentia.controllists.views import shows_errors
from licentia.notifications import services


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = services.notifications_for(request.user)[:200]
    return render(request, "notifications/list.html", {"notifications": notifications})


@login_required
@shows_errors
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.mark_read(user=request.user, notification_id=notification_id)
    link = notification.link
    if request.POST.get("open") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(user=request.user)
    return redirect("notifications:list")
