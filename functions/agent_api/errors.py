"""Domain and auth errors → HTTP responses, in one place.

Every error body is ``{"error": {"code", "message_key", "message": {"es", "en"}}}``;
the console shows ``message`` in the agent's language (or its own translation
of ``message_key``). Nothing of an exception's own text reaches the caller.
"""

from typing import Any

from chalice import Response
from pydantic import ValidationError

from agent_api.auth import Forbidden, KeyRefused, MissingScope, Unauthenticated
from helpdesk.api_keys import KeyThrottled
from helpdesk.errors import HelpdeskError, StaleTicket
from helpdesk.untrusted import NestedTooDeep

MESSAGES: dict[str, tuple[int, str, str]] = {
    # message key: (status, Spanish, English)
    "error.unauthenticated": (401, "Inicia sesión para continuar.", "Sign in to continue."),
    "error.forbidden": (403, "No tienes permiso para hacer esto.", "You are not allowed to do this."),
    "error.api_key_refused": (
        403,
        "Las claves de API no pueden usar esta función: solo los agentes con sesión iniciada.",
        "API keys cannot use this: only signed-in agents can.",
    ),
    "error.missing_scope": (
        403,
        "Esta clave de API no tiene el permiso «{scope}» que esto necesita.",
        "This API key lacks the “{scope}” scope this needs.",
    ),
    "error.api_key_not_found": (404, "No encontramos esa clave de API.", "That API key was not found."),
    "error.api_key_expiry_past": (
        422,
        "La fecha de vencimiento de la clave ya pasó: elige una fecha futura o ninguna.",
        "The key's expiry date has passed: pick a future date or none.",
    ),
    "error.invalid_request": (400, "La solicitud no es válida.", "The request is not valid."),
    "error.invalid_cursor": (400, "El cursor de paginación no es válido.", "The pagination cursor is not valid."),
    "error.invalid_search": (
        400,
        "No entendemos un filtro de la búsqueda (p. ej. status:abierto, created>2026-11-01).",
        "A search filter could not be read (e.g. status:open, created>2026-11-01).",
    ),
    "error.ticket_not_found": (404, "No encontramos ese ticket.", "That ticket was not found."),
    "error.stale_ticket": (
        409,
        "Alguien más modificó este ticket. Revisa los cambios e inténtalo de nuevo.",
        "Someone else changed this ticket. Review the changes and try again.",
    ),
    "error.ticket_closed": (422, "El ticket está cerrado y ya no se puede modificar.", "The ticket is closed."),
    "error.invalid_identity": (422, "El contacto no es válido.", "The contact is not valid."),
    "error.identity_taken": (409, "Ese dato ya pertenece a otro contacto.", "That belongs to another contact."),
    "error.duplicate_message": (409, "Ese mensaje ya se registró.", "That message was already recorded."),
    "error.whatsapp_window_closed": (
        422,
        "Pasaron más de 24 horas desde el último mensaje del cliente: WhatsApp solo permite enviar una plantilla"
        " aprobada.",
        "More than 24 hours passed since the customer's last message: WhatsApp only allows an approved template.",
    ),
    "error.meta_window_closed": (
        422,
        "Pasaron más de 24 horas desde el último mensaje del cliente: Messenger e Instagram no permiten responder"
        " fuera de esa ventana (la página no tiene el permiso de agente humano para responder hasta 7 días).",
        "More than 24 hours passed since the customer's last message: Messenger and Instagram do not allow a reply"
        " (the page lacks the human agent permission that allows up to 7 days).",
    ),
    "error.meta_human_agent_window_closed": (
        422,
        "Pasaron más de 7 días desde el último mensaje del cliente: Messenger e Instagram ya no permiten responderle"
        " hasta que vuelva a escribir.",
        "More than 7 days passed since the customer's last message: Messenger and Instagram allow no reply until"
        " they write again.",
    ),
    "error.nothing_to_acknowledge": (
        409,
        "Ningún escalamiento de ese incumplimiento espera confirmación (ya se confirmó o terminó).",
        "No escalation of that breach is waiting for an acknowledgment (already acknowledged or over).",
    ),
    "error.contact_not_found": (404, "No encontramos ese contacto.", "That contact was not found."),
    "error.macro_not_found": (404, "No encontramos esa macro.", "That macro was not found."),
    "error.identity_no_address": (
        422,
        "El contacto no tiene una dirección conocida de ese tipo para enviarle el código.",
        "The contact has no known address of that kind to send the code to.",
    ),
    "error.identity_too_many_codes": (
        429,
        "Ya se enviaron 3 códigos en la última hora para este ticket: espera antes de enviar otro.",
        "3 codes were sent for this ticket in the last hour: wait before sending another.",
    ),
    "error.identity_not_verified": (
        409,
        "Esta macro necesita que el cliente verifique su identidad primero: envíale un código.",
        "This macro needs the customer to verify their identity first: send them a code.",
    ),
    "error.rule_not_found": (404, "No encontramos esa regla.", "That rule was not found."),
    "error.stale_setting": (
        409,
        "Alguien más guardó esta configuración mientras la editabas. Revisa sus cambios e inténtalo de nuevo.",
        "Someone else saved these settings while you were editing. Review their changes and try again.",
    ),
    "error.channel_group_not_found": (
        422,
        "El grupo predeterminado elegido no existe: elige uno de la lista de grupos.",
        "The chosen default group does not exist: pick one from the list of groups.",
    ),
    "error.mfa_setup_required": (
        403,
        "Los administradores exigen la verificación en dos pasos: actívala desde tu menú para seguir trabajando.",
        "Your administrators require two-step verification: turn it on from your menu to keep working.",
    ),
    "error.mfa_first": (
        409,
        "Activa primero tu propia verificación en dos pasos (desde tu menú): después podrás exigirla.",
        "Turn on your own two-step verification first (from your menu); then you can require it.",
    ),
    "error.unknown_holiday_country": (
        400,
        "No conocemos los feriados de ese país (usa el código ISO de dos letras, como GT o CR).",
        "No public holidays are known for that country (use its two-letter ISO code, like GT or CR).",
    ),
    "error.set_aside_not_taken_in": (
        422,
        "Ese correo no puede convertirse en ticket (trae un virus, no tiene remitente o ya no está).",
        "That mail cannot become a ticket (it carries a virus, has no sender, or is gone).",
    ),
    "error.dead_letter_queue_not_found": (
        404,
        "No encontramos esa cola de mensajes fallidos.",
        "That dead-letter queue was not found.",
    ),
    "error.agent_exists": (409, "Ya existe un agente con ese correo.", "An agent with that e-mail already exists."),
    "error.agent_not_found": (404, "No encontramos ese agente.", "That agent was not found."),
    "error.group_not_found": (404, "No encontramos ese grupo.", "That group was not found."),
    "error.last_admin": (
        409,
        "Debe quedar al menos un administrador activo.",
        "At least one active administrator must remain.",
    ),
    "error.invalid_custom_field": (
        422,
        "Ese campo personalizado no existe o su valor no es del tipo esperado.",
        "That custom field does not exist or its value is not of the expected kind.",
    ),
    "error.contacts_not_mergeable": (
        422,
        "Esos contactos no se pueden fusionar (son el mismo, uno ya se fusionó o se borraron sus datos).",
        "Those contacts cannot be merged (they are the same, one was merged already or erased).",
    ),
    "error.tickets_not_mergeable": (
        422,
        "Solo se fusionan dos tickets distintos del mismo contacto.",
        "Only two different tickets of the same contact can be merged.",
    ),
    "error.last_identity": (
        422,
        "El contacto debe conservar al menos un dato de contacto.",
        "The contact must keep at least one way to reach them.",
    ),
    "error.erasure_not_confirmed": (
        422,
        "Para borrar los datos, confirma con el identificador del contacto.",
        "To erase the data, confirm with the contact's id.",
    ),
    "error.agent_at_capacity": (
        409,
        "Ese agente ya tiene el máximo de tickets abiertos de su grupo.",
        "That agent already holds their group's maximum of open tickets.",
    ),
    "error.attachment_not_found": (404, "No encontramos ese archivo.", "That file was not found."),
    "error.attachment_too_large": (
        413,
        "El archivo pasa de 4 MB: descárgalo con su enlace.",
        "The file is over 4 MB: download it through its link.",
    ),
    "error.attachments_not_supported": (
        422,
        "Este canal no admite adjuntos.",
        "This channel does not take attachments.",
    ),
    "error.unknown_template": (
        422,
        "Esa plantilla de WhatsApp no está aprobada o le faltan parámetros.",
        "That WhatsApp template is not approved or misses parameters.",
    ),
    "error.control_characters": (
        400,
        "El texto tiene caracteres de control (como NUL o secuencias de escape): quítalos e inténtalo de nuevo.",
        "The text has control characters (such as NUL or escape sequences): remove them and try again.",
    ),
    "error.json_too_deep": (
        400,
        "El cuerpo JSON está anidado demasiado profundo.",
        "The JSON body is nested too deeply.",
    ),
    "error.webhook_url_not_allowed": (
        400,
        "La dirección del webhook debe empezar con https:// y no llevar usuario ni contraseña.",
        "The webhook URL must start with https:// and carry no user name or password.",
    ),
    "error.webhook_private_address": (
        400,
        "La dirección del webhook apunta a una red privada o interna: usa una dirección pública.",
        "The webhook URL points to a private or internal network: use a public address.",
    ),
    "error.webhook_host_not_found": (
        400,
        "No encontramos el servidor de esa dirección (el nombre no resuelve).",
        "The server of that URL was not found (the name does not resolve).",
    ),
    "error.webhook_not_found": (404, "No encontramos ese webhook.", "That webhook was not found."),
    "error.webhook_limit_reached": (
        409,
        "Ya hay el máximo de webhooks: borra uno antes de agregar otro.",
        "The most webhooks are already registered: delete one before adding another.",
    ),
    "error.chat_message_invalid": (
        400,
        "No pudimos enviar tu mensaje: escribe hasta 2000 caracteres y vuelve a intentarlo.",
        "We could not send your message: write up to 2000 characters and try again.",
    ),
    "error.chat_email_invalid": (
        400,
        "Ese correo no parece válido: revísalo o déjalo vacío.",
        "That e-mail does not look valid: check it or leave it empty.",
    ),
    "error.chat_site_refused": (
        403,
        "El chat no está disponible en esta página. Escríbenos por correo o WhatsApp.",
        "The chat is not available on this page. Write to us by e-mail or WhatsApp.",
    ),
    "error.chat_no_conversation": (
        404,
        "No hay una conversación abierta para esta sesión: escribe para empezar una.",
        "There is no open conversation for this session: write to start one.",
    ),
    "error.throttled": (
        429,
        "Demasiadas solicitudes: espera unos segundos e inténtalo de nuevo.",
        "Too many requests: wait a few seconds and try again.",
    ),
    "error.review_not_found": (404, "No encontramos esa evaluación.", "That review was not found."),
    "error.follow_up_not_found": (404, "No encontramos ese seguimiento.", "That follow-up was not found."),
    "error.follow_up_outcome_missing": (
        400,
        "Para cerrar el seguimiento, anota qué pasó con el cliente.",
        "To close the follow-up, record what came of it with the customer.",
    ),
    "error.stale_follow_up": (
        409,
        "Alguien cambió este seguimiento mientras lo veías. Vuelve a cargarlo.",
        "Someone changed this follow-up while you were looking at it. Reload it.",
    ),
    "error.article_not_found": (404, "No encontramos ese artículo.", "That article was not found."),
    "error.article_file_too_large": (
        400,
        "El archivo pasa de {megabytes} MB: achícalo (p. ej. una captura en PNG o JPEG más pequeña) y súbelo de nuevo.",
        "The file is over {megabytes} MB: make it smaller (e.g. a smaller PNG or JPEG screenshot) and upload it again.",
    ),
    "error.article_file_type": (
        400,
        "Un artículo solo lleva imágenes PNG, JPEG, GIF o WebP y documentos PDF.",
        "An article takes only PNG, JPEG, GIF or WebP images and PDF documents.",
    ),
    "error.alt_text_missing": (
        400,
        "Escribe el texto alternativo de la imagen: describe lo que muestra para quien no puede verla.",
        "Write the image's alt text: describe what it shows for whoever cannot see it.",
    ),
    "error.article_file_not_found": (
        404,
        "No encontramos ese archivo del artículo.",
        "That article file was not found.",
    ),
    "error.article_exists": (
        409,
        "Ya existe un artículo con ese identificador: elige otro.",
        "An article with that id exists already: choose another.",
    ),
    "error.stale_article": (
        409,
        "Alguien más guardó este artículo. Recarga para ver sus cambios y vuelve a intentarlo.",
        "Someone else saved this article. Reload to see their changes and try again.",
    ),
    "error.invalid_call": (
        422,
        "La llamada no puede empezar en el futuro ni hace más de 90 días.",
        "The call cannot start in the future or more than 90 days ago.",
    ),
    "error.callback_refused": (
        422,
        "No podemos agendar esa llamada: revisa el número (con código de país) y la hora preferida.",
        "We cannot schedule that call: check the number (with its country code) and the preferred time.",
    ),
    "error.contact_form_refused": (
        400,
        "No pudimos enviar el formulario: vuelve a escribir tu mensaje y envíalo otra vez.",
        "We could not send the form: write your message again and send it once more.",
    ),
    "error.revision_not_found": (404, "No encontramos esa revisión del artículo.", "That revision was not found."),
    "error.review_exists": (
        409,
        "Ese ticket ya tiene una evaluación de calidad.",
        "That ticket already has a quality review.",
    ),
    "error.ticket_not_reviewable": (
        400,
        "Solo se evalúan tickets resueltos o cerrados que un agente atendió.",
        "Only solved or closed tickets that an agent worked can be reviewed.",
    ),
    "error.review_state": (
        409,
        "La evaluación no está en el estado que esto necesita (ya calificada, o aún sin calificar).",
        "The review is not in the state this needs (scored already, or not scored yet).",
    ),
    "error.review_reply_exists": (
        409,
        "Ya respondiste a esta evaluación: se responde una sola vez.",
        "You already replied to this review: one reply per review.",
    ),
    "error.review_scores_invalid": (
        400,
        "Califica cada criterio de la ficha (0 a 4, o N/A) y ningún otro.",
        "Score every criterion of the scorecard (0 to 4, or N/A) and no other.",
    ),
    "error.stale_review": (
        409,
        "Alguien más guardó esta evaluación mientras la editabas. Vuelve a abrirla e inténtalo de nuevo.",
        "Someone else saved this review while you were editing. Open it again and retry.",
    ),
    "error.busy": (503, "Hay mucha actividad en este ticket; reintenta.", "This ticket is busy; retry."),
    "error.unexpected": (500, "Algo salió mal. Inténtalo de nuevo.", "Something went wrong. Try again."),
}


def error_body(
    key: str, detail: Any = None, fill: dict[str, str] | None = None, **extra: Any
) -> tuple[int, dict[str, Any]]:
    """The status and JSON body of an error (the local stack's throttling answers
    with it too); ``fill`` names what a text's ``{placeholders}`` stand for."""
    status, spanish, english = MESSAGES[key]
    if fill:
        spanish, english = spanish.format(**fill), english.format(**fill)
    error: dict[str, Any] = {
        "code": key.removeprefix("error."),
        "message_key": key,
        "message": {"es": spanish, "en": english},
    }
    if detail is not None:
        error["detail"] = detail
    return status, {"error": error, **extra}


def error_response(
    key: str,
    detail: Any = None,
    fill: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    status, body = error_body(key, detail, fill, **extra)
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json", **(headers or {})})


def response_for(exc: Exception) -> Response | None:
    """The response for a known error; None for anything else (a real 500)."""
    if isinstance(exc, Unauthenticated):
        return error_response("error.unauthenticated")
    if isinstance(exc, MissingScope):
        return error_response("error.missing_scope", {"scope": exc.scope.value}, fill={"scope": exc.scope.value})
    if isinstance(exc, KeyRefused):
        return error_response("error.api_key_refused")
    if isinstance(exc, Forbidden):
        return error_response("error.forbidden")
    if isinstance(exc, KeyThrottled):
        return error_response("error.throttled", headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, ValidationError):
        # The field, the kind of problem and pydantic's reason (never the input itself)
        problems = [
            {"field": ".".join(str(p) for p in e["loc"]), "problem": e["type"], "reason": e["msg"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        return error_response("error.invalid_request", problems)
    if isinstance(exc, NestedTooDeep):
        return error_response("error.json_too_deep")
    if isinstance(exc, StaleTicket):
        current = exc.current.model_dump(mode="json") if exc.current else None
        return error_response(exc.message_key, current=current)
    if isinstance(exc, HelpdeskError):
        return error_response(exc.message_key, fill=exc.fill)
    return None
