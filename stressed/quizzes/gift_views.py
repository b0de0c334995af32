"""Staff pages to import a Moodle file (GIFT or Moodle XML, chosen by the file's extension) as
a draft quiz, and to download a quiz as GIFT or Moodle XML."""

from pathlib import PurePath

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from stressed.content.errors import ContentError
from stressed.core.permissions import staff_permission_required
from stressed.lessons.models import Lesson
from stressed.quizzes.gift import export_gift, import_gift_into_quiz
from stressed.quizzes.models import Quiz
from stressed.quizzes.moodlexml import MAX_BYTES as MAX_XML
from stressed.quizzes.moodlexml import export_moodle_xml, import_moodle_xml_into_quiz

MAX_UPLOAD = 1024 * 1024
EXTENSIONS = (".gift", ".txt")
XML_EXTENSIONS = (".xml",)


class GiftImportForm(forms.Form):
    file = forms.FileField(
        label="GIFT file or Moodle XML file",
        help_text="A Moodle export: GIFT (.gift or .txt, UTF-8, at most 1 MB) or Moodle XML "
        "(.xml, at most 10 MB, images included). Descriptions and essays are skipped.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".gift,.txt,.xml,text/plain,application/xml,text/xml"}
        ),
    )
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=100,
        help_text="Lowercase words joined by hyphens: the quiz will be at /quizzes/your-slug/.",
    )
    lesson = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="No lesson",
        to_field_name="slug",
        help_text="Review links in the questions point at this lesson's sections.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = Lesson.objects.order_by("order")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.is_xml = upload.name.lower().endswith(XML_EXTENSIONS)
        if self.is_xml:
            if upload.size > MAX_XML:
                raise forms.ValidationError("The file is larger than 10 MB.")
            self.data_bytes = upload.read()  # the XML declaration names its encoding
            return upload
        if not upload.name.lower().endswith(EXTENSIONS):
            raise forms.ValidationError("Choose a .gift, .txt or .xml file.")
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 1 MB.")
        try:
            self.text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text; save it as UTF-8.") from None
        return upload

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Quiz.objects.filter(slug=slug).exists():
            raise forms.ValidationError("A quiz with this slug exists already; choose another.")
        return slug


@never_cache
@staff_permission_required("quizzes.add_quiz")
@require_http_methods(["GET", "HEAD", "POST"])
def gift_import(request):
    form = GiftImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        importer, content = (
            (import_moodle_xml_into_quiz, form.data_bytes)
            if form.is_xml
            else (import_gift_into_quiz, form.text)
        )
        try:
            quiz, result = importer(
                content,
                None,
                title=data["title"],
                slug=data["slug"],
                source=PurePath(data["file"].name).name,
                lesson=data["lesson"],
            )
        except ContentError as error:
            problems = error.problems
        else:
            count = len(result.questions)
            messages.success(
                request,
                f"Imported {count} question{'s' * (count != 1)} into the "
                f"draft quiz “{quiz.title}”. Check it, then publish it.",
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("admin:quizzes_quiz_change", quiz.pk)
    status = 422 if request.method == "POST" else 200
    return render(
        request, "quizzes/gift_import.html", {"form": form, "problems": problems}, status=status
    )


@never_cache
@staff_permission_required("quizzes.view_quiz")
@require_safe
def gift_export(request, slug):
    quiz = get_object_or_404(Quiz, slug=slug)
    response = HttpResponse(export_gift(quiz), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{quiz.slug}.gift")
    return response


@never_cache
@staff_permission_required("quizzes.view_quiz")
@require_safe
def moodle_xml_export(request, slug):
    quiz = get_object_or_404(Quiz, slug=slug)
    response = HttpResponse(export_moodle_xml(quiz), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{quiz.slug}.xml")
    return response
