"""The per-user moderation page (after Mastodon's admin account view): who the user is, what
they did and what was decided, and the actions: strike (no flag needed), restrict, suspend,
lift, each with a reason and through the services; staff notes (append-only)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from moderation import selectors, services
from moderation.admin.base import ReadOnlyModelAdmin, show_errors, user_link, user_url
from moderation.forms import (
    EmailReadForm,
    LiftForm,
    StaffNoteForm,
    UserSanctionForm,
    UserStrikeForm,
)
from moderation.models import ModeratedUser, Sanction, StaffAccess
from moderation.staff_notes import add_staff_note
from moderation.user_page import user_page

ACTIONS = {  # action -> (form, permission)
    "strike": (UserStrikeForm, "moderation.add_strike"),
    "sanction": (UserSanctionForm, "moderation.add_sanction"),
    "lift": (LiftForm, "moderation.change_sanction"),
    "note": (StaffNoteForm, "moderation.add_staffnote"),
    "email": (EmailReadForm, "moderation.view_moderateduser"),
}


@admin.register(ModeratedUser)
class ModeratedUserAdmin(ReadOnlyModelAdmin):
    list_display = ["username_link", "date_joined", "last_seen_at", "suspended_until"]
    search_fields = ["username"]  # not the email: reading it is a recorded staff read
    list_per_page = 50

    @admin.display(description="user", ordering="username")
    def username_link(self, user: ModeratedUser) -> str:
        return user_link(user)

    def get_urls(self):
        own = [
            path(
                "<int:pk>/act/<str:action>/",
                self.admin_site.admin_view(self.act_view),
                name="moderation_moderateduser_act",
            )
        ]
        return own + super().get_urls()

    def _user_or_403(self, request: HttpRequest, pk: int) -> ModeratedUser:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(ModeratedUser.objects.select_related("seller_profile"), pk=pk)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        if not str(object_id).isdigit():
            raise PermissionDenied
        return self._page(request, self._user_or_403(request, int(object_id)))

    def _page(
        self, request: HttpRequest, user: ModeratedUser, email: str = "", **bound
    ) -> HttpResponse:
        perms = {action: request.user.has_perm(perm) for action, (_, perm) in ACTIONS.items()}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{user.username}: moderation",
            "subject": user,
            "display_name": user.public_name,
            "page": user_page(user),
            # The case page's preview: what a strike given here does before it is given.
            "next_step": selectors.next_strike_step(user.pk),
            "email": email,
            "perms_": perms,
            **{
                f"{action}_form": bound.get(action) or form_class(prefix=action)
                for action, (form_class, _) in ACTIONS.items()
                if action != "lift"
            },
            "lift_form": bound.get("lift"),  # its errors show beside the sanction it names
        }
        response = TemplateResponse(request, "admin/moderation/user/page.html", context)
        response["Cache-Control"] = "no-store"
        return response

    def act_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        user = self._user_or_403(request, pk)
        if action not in ACTIONS:
            raise PermissionDenied
        form_class, permission = ACTIONS[action]
        if not request.user.has_perm(permission):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(user_url(user.pk))
        form: forms.Form = form_class(request.POST, prefix=action)
        if not form.is_valid():
            return self._page(request, user, **{action: form})
        data = form.cleaned_data
        try:
            if action == "email":
                services.record_staff_access(
                    staff=request.user,
                    action=StaffAccess.Action.OTHER,
                    reason=data["reason"],
                    reference=f"user:{user.pk}:email",
                )
                return self._page(request, user, email=user.email or "(none)")
            done = self._act(request, user, action, data)
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, done)
        return HttpResponseRedirect(user_url(user.pk))

    def _act(self, request: HttpRequest, user: ModeratedUser, action: str, data: dict) -> str:
        moderator = request.user
        if action == "strike":
            strike = services.give_strike(
                user=user,
                kind=data["kind"],
                moderator=moderator,
                note=data["note"],
                evidence=data["evidence"],
            )
            self.log_change(request, user, f"strike {strike.pk} (moderation)")
            return f"Strike {strike.pk} given to {user.username}."
        if action == "sanction":
            sanction = services.impose_sanction(
                user=user,
                kind=data["kind"],
                moderator=moderator,
                reason=data["reason"],
                ends_at=data["ends_at"],
            )
            self.log_change(request, user, f"sanction {sanction.pk} (moderation)")
            return f"{sanction.get_kind_display()}: {user.username}."
        if action == "lift":
            sanction = get_object_or_404(Sanction, pk=data["sanction"], user=user)
            services.lift_sanction(sanction=sanction, moderator=moderator, reason=data["reason"])
            self.log_change(request, user, f"lifted sanction {sanction.pk} (moderation)")
            return f"{sanction.get_kind_display()} lifted."
        add_staff_note(user=user, author=moderator, text=data["text"])
        return "Note added."
