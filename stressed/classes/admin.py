from django.contrib import admin

from stressed.classes.forms import AssignmentForm
from stressed.classes.models import Assignment, Class, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    fields = ["lesson", "quiz", *AssignmentForm.Meta.fields]  # the instructor form's settings


@admin.register(Class)
class ClassAdmin(admin.ModelAdmin):
    list_display = ["name", "join_code", "term_starts", "term_ends", "archived_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "join_code", "teachers__username"]
    filter_horizontal = ["teachers"]
    readonly_fields = ["created_at"]
    inlines = [AssignmentInline, MembershipInline]
