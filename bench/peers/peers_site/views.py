"""The page after login: the driver checks a login with it once, outside the measurement."""

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden


def done(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseForbidden("not logged in")
    verified = getattr(request.user, "is_verified", None)
    if verified is not None and not verified():  # django-otp: the second factor too
        return HttpResponseForbidden("not verified")
    return HttpResponse(f"logged in as {request.user.get_username()}")
