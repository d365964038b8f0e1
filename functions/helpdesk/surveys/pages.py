"""The light page a one-click survey answer lands on: thanks in the
customer's language, the answer given, and a form for an optional comment
(a plain HTML form: works without JavaScript)."""

from html import escape

from helpdesk.case_status.rendering import page
from helpdesk.models import Language
from helpdesk.surveys.composing import CSAT_WORDS
from helpdesk.surveys.model import MAX_COMMENT, Survey
from helpdesk.surveys.scale import SurveyKind

TEXTS = {
    Language.SPANISH: {
        "title": "¡Gracias por tu respuesta!",
        "answer": "Tu respuesta sobre el caso #{number}: {answer}.",
        "change": "¿Te equivocaste? Elige otra opción en el correo: vale la última (hasta 7 días).",
        "comment": "¿Quieres contarnos algo más? (opcional)",
        "send": "Enviar comentario",
        "commented": "Recibimos tu comentario. ¡Gracias!",
        "poor": "Una persona del equipo revisará tu caso y te contactará.",
    },
    Language.ENGLISH: {
        "title": "Thank you for your answer!",
        "answer": "Your answer about case #{number}: {answer}.",
        "change": "Picked the wrong one? Choose another option in the email: the last one counts (for 7 days).",
        "comment": "Anything else you want to tell us? (optional)",
        "send": "Send comment",
        "commented": "We got your comment. Thank you!",
        "poor": "A person from our team will review your case and contact you.",
    },
}


def _answer(survey: Survey, kind: SurveyKind) -> str:
    score = survey.score(kind)
    if score is None:
        return "-"
    if kind is SurveyKind.CSAT:
        return f"{'⭐' * score} {CSAT_WORDS[survey.language][score]}"
    return f"{score}/10"


def thank_you_page(survey: Survey, kind: SurveyKind, commented: bool = False) -> str:
    texts = TEXTS[survey.language]
    body = f"<h1>{escape(texts['title'])}</h1>"
    body += f"<p>{escape(texts['answer'].format(number=survey.ticket_number, answer=_answer(survey, kind)))}</p>"
    if survey.poor:
        body += f"<p>{escape(texts['poor'])}</p>"
    if commented:
        body += f'<p class="status">{escape(texts["commented"])}</p>'
    else:
        body += (
            f"<p><small>{escape(texts['change'])}</small></p>"
            f'<form method="post"><p><label for="comment">{escape(texts["comment"])}</label></p>'
            f'<textarea id="comment" name="comment" maxlength="{MAX_COMMENT}"></textarea>'
            f'<p><button type="submit">{escape(texts["send"])}</button></p></form>'
        )
    return page(texts["title"], body, survey.language)
