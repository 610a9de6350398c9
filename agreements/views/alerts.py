"""The pages of the e-mail alerts: subscribe, confirm, manage, unsubscribe.

Subscribing answers the same whatever the address (whether it is subscribed
is never told), and is throttled per address and per client. The manage and
unsubscribe pages are reached by the subscriber's secret key, from a mail.
None of these pages is cached (`never_cache`): they change with each POST.
"""

import hashlib

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from .. import alerts, following
from ..api.throttles import CountingThrottle
from ..models import Subscriber, Subscription
from ..models.alerts import Frequency
from ..origin import site_origin


class SubscribeClientThrottle(CountingThrottle):
    """Requests to subscribe from one client (SUBSCRIBE_CLIENT_RATE)."""

    scope = "subscribe_client"


class SubscribeAddressThrottle(CountingThrottle):
    """Requests to subscribe one address (SUBSCRIBE_ADDRESS_RATE), from anywhere;
    the address is hashed in the cache key."""

    scope = "subscribe_address"

    def __init__(self, email):
        super().__init__()
        self.email = email

    def get_cache_key(self, request, view):
        digest = hashlib.sha256(self.email.lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"))
    frequency = forms.ChoiceField(
        label=gettext_lazy("How often"),
        choices=Frequency.choices,
        initial="daily",
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        choices=Subscription.Kind.choices, widget=forms.HiddenInput
    )
    value = forms.CharField(max_length=1000, required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if "kind" in data:
            try:
                data["value"] = following.clean_value(data["kind"], data.get("value"))
            except following.NotFollowable as exc:
                raise forms.ValidationError(str(exc)) from None
        return data


def too_many(request, throttle):
    response = render(request, "alerts/too_many.html", status=429)
    response["Retry-After"] = str(int(throttle.wait() or 60))
    return response


@method_decorator(never_cache, name="dispatch")
class SubscribeView(View):
    template_name = "alerts/subscribe.html"

    def get(self, request):
        form = SubscribeForm(initial=request.GET.dict())
        return self.show(
            request, form, request.GET.get("kind"), request.GET.get("value")
        )

    def show(self, request, form, kind, value, status=200):
        try:
            value = following.clean_value(kind, value)
            what = following.describe(kind, value)
        except (following.NotFollowable, ValueError):
            what = None
        return render(
            request, self.template_name, {"form": form, "what": what}, status=status
        )

    def post(self, request):
        form = SubscribeForm(request.POST)
        client = SubscribeClientThrottle()
        if not client.allow_request(request, self):
            return too_many(request, client)
        if not form.is_valid():
            data = request.POST
            return self.show(request, form, data.get("kind"), data.get("value"), 400)
        email = form.cleaned_data["email"]
        address = SubscribeAddressThrottle(email)
        if not address.allow_request(request, self):
            return too_many(request, address)
        alerts.send_confirmation(
            site_origin(request),
            email,
            form.cleaned_data["kind"],
            form.cleaned_data["value"],
            get_language(),
            form.cleaned_data["frequency"],
        )
        # The same answer whether or not the address is subscribed already.
        return render(request, "alerts/check_inbox.html", {"email": email})


@method_decorator(never_cache, name="dispatch")
class ConfirmView(View):
    """GET shows a button (a mail scanner following links confirms nothing);
    POST stores the subscription."""

    def request_data(self, token):
        data = alerts.read_confirmation(token)
        if data is None:
            raise Http404(_("This confirmation link is invalid or has expired."))
        return data

    def get(self, request, token):
        data = self.request_data(token)
        what = following.describe(data["k"], data["v"])
        return render(
            request, "alerts/confirm.html", {"what": what, "email": data["e"]}
        )

    def post(self, request, token):
        subscriber = alerts.subscription_confirm(self.request_data(token))
        return redirect(subscriber)


class ManageForm(forms.Form):
    frequency = forms.ChoiceField(choices=Frequency.choices)


@method_decorator(never_cache, name="dispatch")
class ManageView(View):
    """A subscriber's alerts: how often, what, and unsubscribing from each or all."""

    def get(self, request, key):
        subscriber = get_object_or_404(Subscriber, key=key)
        rows = [
            (
                s,
                following.describe(s.kind, s.value),
                following.follow_url(s.kind, s.value),
            )
            for s in subscriber.subscriptions.all()
        ]
        context = {
            "subscriber": subscriber,
            "rows": rows,
            "form": ManageForm(initial={"frequency": subscriber.frequency}),
            "frequencies": Frequency.choices,
        }
        return render(request, "alerts/manage.html", context)

    def post(self, request, key):
        subscriber = get_object_or_404(Subscriber, key=key)
        if "remove" in request.POST:
            remove = request.POST["remove"]
            subscriber.subscriptions.filter(
                pk=remove if remove.isdigit() else None
            ).delete()
            if not subscriber.subscriptions.exists():
                subscriber.delete()  # nothing followed: the address goes too
                return render(request, "alerts/unsubscribed.html")
        form = ManageForm(request.POST)
        if form.is_valid():
            subscriber.frequency = form.cleaned_data["frequency"]
            subscriber.save(update_fields=["frequency"])
        return redirect(subscriber)


@method_decorator([never_cache, csrf_exempt], name="dispatch")
class UnsubscribeView(View):
    """Unsubscribe from everything and delete the address. POST is RFC 8058's
    one-click unsubscribe, sent by the mail client without a CSRF token (the
    key in the URL is the proof); GET only asks."""

    def get(self, request, key):
        get_object_or_404(Subscriber, key=key)
        return render(request, "alerts/unsubscribe.html")

    def post(self, request, key):
        Subscriber.objects.filter(key=key).delete()
        if request.POST.get("List-Unsubscribe") == "One-Click":
            return HttpResponse(status=200)
        return render(request, "alerts/unsubscribed.html")
