"""Writes for plans' translations: the admin, the demo and tests all use these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from articles.markdown import markdown_problem
from kb.i18n import default_locale, locales, normalize_locale

from ..models import Plan, PlanTranslation


def check_plan_translation_locale(locale) -> str:
    """``locale`` normalised, or a ValidationError when it is not served or is the plans' own
    language (plans are written in the default locale)."""
    code = normalize_locale(locale)
    if code is None:
        raise ValidationError({"locale": ValidationError(
            f"Choose one of the help center's languages: {', '.join(locales())}.", code="invalid_locale")})
    if code == default_locale():
        raise ValidationError({"locale": ValidationError(
            "Plans are written in this language already.", code="source_locale")})
    return code


@transaction.atomic
def plan_translation_save(
    *, plan: Plan, locale: str, name: str, cancel_steps: str, summary: str = "", after_cancel: str = "",
) -> PlanTranslation:
    """Create or replace ``plan``'s texts in ``locale``."""
    code = check_plan_translation_locale(locale)
    problems = {field: ValidationError(problem, code="markdown")
                for field, text in (("cancel_steps", cancel_steps), ("after_cancel", after_cancel))
                if (problem := markdown_problem(text))}
    if problems:
        raise ValidationError(problems)
    row = PlanTranslation.objects.select_for_update().filter(plan=plan, locale=code).first()
    if row is None:
        row = PlanTranslation(plan=plan, locale=code)
    row.name = name.strip()
    row.summary = summary.strip()
    row.cancel_steps = cancel_steps
    row.after_cancel = after_cancel
    row.full_clean(exclude=["plan"], validate_constraints=False)
    row.save()
    return row


@transaction.atomic
def plan_translation_delete(*, translation: PlanTranslation) -> None:
    """Delete one translation; visitors in that language see the plan's own texts again."""
    translation.delete()
